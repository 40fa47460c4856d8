#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <deque>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "client_message.hpp"
#include "desktop_connection.hpp"
#include "jwt.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/notification.hpp"
#include "replay.hpp"
#include "send_queue.hpp"

namespace notifyd::websocket {

struct ServerState;

/// A ws:// connection (permessage-deflate compiled out: it costs memory per connection).
using PlainWebSocket = boost::beast::websocket::stream<sdk::http::PlainStream, false>;
/// A wss:// connection.
using TlsWebSocket = boost::beast::websocket::stream<sdk::http::TlsStream, false>;

/// One desktop app connection, on its own strand, from the moment the SDK's
/// HTTP server hands it over with its upgrade request (the TLS handshake and
/// the Origin check are behind it): the WebSocket handshake and the seed's
/// auth message within `auth_timeout`, an optional replay of what the app
/// missed, then live notifications through a bounded send queue, the JSON
/// heartbeat and protocol-level keep-alive pings. `Stream` is PlainWebSocket or TlsWebSocket.
template <class Stream>
class DesktopSession final : public DesktopConnection, public std::enable_shared_from_this<DesktopSession<Stream>> {
 public:
  /// `stream` is the handed-over connection (on the session's strand);
  /// `peer` names the client in log lines.
  DesktopSession(std::shared_ptr<ServerState> state, typename Stream::next_layer_type&& stream, std::string peer);
  ~DesktopSession() override;
  DesktopSession(const DesktopSession&) = delete;
  DesktopSession& operator=(const DesktopSession&) = delete;

  /// Answers the upgrade `request` and waits for the auth message. Call once,
  /// after the registry took the session.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);
  void send_notification(std::shared_ptr<const std::string> frame, std::uint64_t id) override;
  void close() override;

 private:
  // `claiming`: the token is valid, a connection slot is being taken on the plugin's executor.
  enum class Phase : std::uint8_t { handshake, auth, claiming, live, closing, closed };
  // Replayed notifications not yet queued, and live frames held behind them.
  struct Backlog {
    std::vector<sdk::Notification> replay;
    std::size_t next = 0;
    std::deque<SendQueue::Frame> held;  ///< live frames that arrived during the replay
    std::unordered_set<std::uint64_t> pending;  ///< replayed ids whose delivery here is pending
    /// Queued replay frames of pending deliveries, in queue order: once
    /// written, the app has that notification (see ReplayReceipts).
    std::deque<std::pair<const std::string*, std::uint64_t>> receipts;
  };

  void start(std::shared_ptr<boost::beast::http::request<boost::beast::http::string_body>> request);
  void on_accept(boost::beast::error_code ec);

  void read_message();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_auth(const ClientMessage& message);
  // Goes live with `claims` once the cluster-wide slot is taken (`slot`:
  // its key; nullopt: the user holds every slot; empty: none could be taken).
  void finish_auth(JwtClaims claims, std::optional<std::uint64_t> since, sdk::Result<std::optional<std::string>> slot);
  void refuse_too_many(const std::string& user);
  // Gives the connection slot back (on the plugin's executor).
  void release_slot();
  void replay_since(std::uint64_t since);
  void refuse_auth(std::string_view message, std::string_view reason = {});

  void on_deadline(boost::beast::error_code ec);
  void heartbeat();
  void arm_timer(std::chrono::milliseconds after);

  void on_notification(std::shared_ptr<const std::string> frame, std::uint64_t id);
  void enqueue(SendQueue::Frame frame);
  void enqueue_after_backlog(SendQueue::Frame frame);
  void refill();
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close_request();
  // Closes a connection whose client does not keep up: a close frame (sent
  // behind the write in progress) and `stalled_close_grace` to take it.
  void close_stalled(std::string_view reason);
  // Tells the outbox that the replay's receipts are ready to be used.
  void report_receipts();
  void on_closed(boost::beast::error_code ec);
  void drop();
  // Logs and counts a live connection Beast timed out; false for any other error.
  bool report_silent_peer(const boost::beast::error_code& ec);
  void fail(boost::beast::error_code ec, const char* what);
  const std::string& peer() const noexcept { return peer_; }

  Stream ws_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<Backlog> backlog_;
  std::shared_ptr<ServerState> state_;
  SendQueue queue_;
  std::string user_;
  std::string slot_;  ///< the connection slot held (ConnectionSlots), while authenticated
  std::string peer_;  ///< the client's address, for log lines
  ReplayCoverage replayed_;  ///< live deliveries it covers are not sent again
  std::int64_t token_expires_at_ = 0;  ///< the token's `exp`: the connection ends then (checked at each heartbeat)
  std::uint32_t unanswered_pings_ = 0;
  Phase phase_ = Phase::handshake;
  bool writing_ = false;
  bool close_when_flushed_ = false;
  bool stalled_ = false;             ///< closing because the client does not read: nothing more is written
  bool receipts_unreported_ = false;  ///< receipts were added since the outbox was last told
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::normal;
};

extern template class DesktopSession<PlainWebSocket>;
extern template class DesktopSession<TlsWebSocket>;

}  // namespace notifyd::websocket
