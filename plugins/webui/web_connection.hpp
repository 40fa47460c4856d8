#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "caller_identity.hpp"
#include "connection_registry.hpp"
#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

struct ServerState;

/// Plain HTTP.
using PlainStream = boost::beast::tcp_stream;
/// HTTPS.
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
/// Plain HTTP on the dashboard's unix socket.
using LocalStream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;

/// One HTTP/1.1 connection, plain, TLS or on a unix socket, on its own strand: the TLS
/// handshake, then requests one at a time with keep-alive. Each request is
/// read under deadlines (idle, header, body) and size limits, handed to the
/// `WebApp`, whose answer (from any thread, at most `answer_timeout` later)
/// is written back before the next request is read.
template <class Stream>
class WebConnection final : public Connection, public std::enable_shared_from_this<WebConnection<Stream>> {
 public:
  /// The socket type underneath: TCP, or a unix socket for `LocalStream`.
  using Socket = std::conditional_t<std::is_same_v<Stream, LocalStream>, boost::asio::local::stream_protocol::socket,
                                    boost::asio::ip::tcp::socket>;

  /// `socket` must already use the connection's own strand as its executor.
  WebConnection(Socket&& socket, PeerInfo peer, std::shared_ptr<ServerState> state);
  ~WebConnection() override;
  WebConnection(const WebConnection&) = delete;
  WebConnection& operator=(const WebConnection&) = delete;

  /// Starts the handshake (TLS) or the first read. Call once, after the registry accepted it.
  void run();
  void close() override;

 private:
  class PendingAnswer;
  enum class Phase { reading, handling, writing, closed };
  static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

  void on_handshake(boost::beast::error_code ec);
  void read_request();
  void on_idle_read(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec, const char* what);

  void handle_request();
  void on_answer(std::uint64_t sequence, sdk::HttpResponse response);
  void on_answer_timeout(std::shared_ptr<PendingAnswer> pending, boost::beast::error_code ec);

  void send(sdk::HttpResponse response);
  void send_error(unsigned status, std::string_view message);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);

  void on_close();
  void finish();
  void on_tls_shutdown(boost::beast::error_code ec);
  void abort();
  void log_response(unsigned status);
  void fail(boost::beast::error_code ec, const char* what);

  std::shared_ptr<ServerState> state_;
  Stream stream_;
  boost::asio::steady_timer answer_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  PeerInfo peer_;
  std::shared_ptr<PendingAnswer> pending_;
  Phase phase_ = Phase::reading;
  bool closing_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  std::uint64_t sequence_ = 0;
  std::uint64_t served_ = 0;
  std::string method_;  // of the request being answered, for the access log
  std::string path_;
  std::chrono::steady_clock::time_point started_;
};

extern template class WebConnection<PlainStream>;
extern template class WebConnection<TlsStream>;
extern template class WebConnection<LocalStream>;

}  // namespace notifyd::webui
