#pragma once
// An HTTP/1.1 server for a plugin: one listener on AcceptLoop (TCP, TLS or a
// unix socket), one connection registry, and one connection state machine
// (per-phase deadlines, size limits, 100-continue, keep-alive, the
// answer-once responder, 503 when full, WebSocket upgrades handed over).
// Plugins that include it link OpenSSL (OpenSSL::SSL), as libnotifyd-core does.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk::http {

/// Plain HTTP over TCP.
using PlainStream = boost::beast::tcp_stream;
/// HTTPS.
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
/// Plain HTTP on a unix socket.
using LocalStream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;

/// A connection whose request asked to become a WebSocket, handed over whole.
struct Upgrade {
  Peer peer;
  /// The connection, its deadline cleared, TLS already handshaken.
  std::variant<PlainStream, TlsStream, LocalStream> stream;
  /// Bytes read past the request (the client's first frames, if any).
  boost::beast::flat_buffer buffer;
  /// The upgrade request (`boost::beast::websocket::stream::async_accept` takes it).
  boost::beast::http::request<boost::beast::http::string_body> request;
  /// What `ServerOptions::track` returned for the connection (null without it): the
  /// upgrade handler keeps it as long as the connection should count as the plugin's.
  std::shared_ptr<void> tracking;
};

/// Answers a request from `peer`. Called on the connection's strand; answers
/// through `respond` exactly once, from any thread, now or later (at most
/// `answer_timeout` later, then the server answers 504). A HEAD request
/// reaches it as a GET; the server sends the answer's headers without the
/// body. An exception is logged and answered 500.
using Handler = std::function<void(const Peer& peer, HttpRequest request, Responder respond)>;

/// Takes a connection whose request is a WebSocket upgrade. Called on the connection's strand.
using UpgradeHandler = std::function<void(Upgrade upgrade)>;

/// Decides on an upgrade request before it is handed over: a response refuses
/// it (sent like a handler's answer, then the connection closes); nullopt lets
/// it through. Called on the connection's strand.
using UpgradeCheck = std::function<std::optional<HttpResponse>(const Peer& peer, const HttpRequest& request)>;

/// Follows one connection for a plugin's own accounting: called once per
/// connection admitted, on the listener's executor, before it is served.
/// `close` closes that connection from any thread as `Server::stop` does (at
/// once while it waits for a request, after the answer being written), and
/// does nothing once it ended or was handed over. What it returns is held
/// until the connection ends, or handed to the upgrade handler (`Upgrade::tracking`).
using ConnectionTracker = std::function<std::shared_ptr<void>(const Peer& peer, std::function<void()> close)>;

/// How many connections a server holds now, for an admission rule.
struct OpenConnections {
  std::size_t total = 0;    ///< every open connection
  std::size_t of_peer_uid = 0;  ///< those of the new peer's uid (unix socket peers; 0 otherwise)
};

/// What a server does beyond its settings.
struct ServerOptions {
  Handler handler;
  /// Empty: upgrade requests go to `handler` like any other request.
  UpgradeHandler upgrade;
  /// Empty: every upgrade request is handed to `upgrade`.
  UpgradeCheck check_upgrade;
  /// Empty: connections are followed by the server alone.
  ConnectionTracker track;
  /// The server context for `tls_cert`/`tls_key` (make_tls_server_context); null = plain.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// Learn each peer's Unix user (`Peer::user`): unix socket and loopback TCP peers.
  bool peer_user = false;
  /// Refuse a unix socket peer whose credentials the kernel does not give.
  bool require_credentials = false;
  /// Whether a new connection may be served; false answers it 503. Called on the
  /// listener's executor (one at a time); a rule logs its refusals itself.
  /// Empty: while fewer than `max_connections` are open (refusals logged by the server).
  std::function<bool(const Peer& peer, const OpenConnections& open)> admit;
  /// Called for every response the server itself makes (400, 413, 431, 503, 504)
  /// and every one a handler answered, before it is written (e.g. security headers).
  std::function<void(const Peer& peer, HttpResponse& response)> decorate;
  /// Metric names start with it: `<prefix>_connections`, `<prefix>_requests_total`,
  /// `<prefix>_errors_total{status}`, labelled with the instance.
  std::string metrics_prefix;
  /// What the server is, for the metrics' help ("the web dashboard").
  std::string description;
};

/// One server. Make it with `Server::create` in `configure()` or `start()`;
/// call `open`, `run` and `stop` on the plugin's executor. Connections keep
/// what they need alive, so they may outlive the Server object.
class Server {
 public:
  /// A server for `settings` and `options` on `host`'s io_context.
  static std::shared_ptr<Server> create(Host& host, ServerSettings settings, ServerOptions options);
  virtual ~Server() = default;

  /// Binds and listens (for `unix:` creates the socket file with
  /// `socket_mode` and `socket_group`, removing a stale one).
  virtual Status open() = 0;
  /// The TCP address bound (its port known even when 0 was asked for); empty for a unix socket.
  virtual boost::asio::ip::tcp::endpoint local_endpoint() const = 0;
  /// True when `open` removed a stale socket file.
  virtual bool removed_stale_socket() const noexcept = 0;
  /// Starts accepting.
  virtual void run() = 0;
  /// Stops accepting, removes the socket file, asks every connection to close
  /// (at once when waiting for a request, after the answer when one is being
  /// answered) and calls `done` once none is left.
  virtual void stop(std::function<void()> done) = 0;
  /// Connections open now.
  virtual std::size_t connections() const noexcept = 0;
  /// The settings it serves with.
  virtual const ServerSettings& settings() const noexcept = 0;
};

}  // namespace notifyd::sdk::http
