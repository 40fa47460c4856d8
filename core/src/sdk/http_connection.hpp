#pragma once
// One connection of an sdk::http::Server.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http_server_state.hpp"

namespace notifyd::sdk::http::detail {

/// One HTTP/1.1 connection, plain, TLS or on a unix socket, on its own
/// strand: the TLS handshake, then requests one at a time with keep-alive.
/// Each request is read under deadlines (idle, header, body) and size
/// limits, handed to the handler (or, for a WebSocket upgrade, the
/// connection is handed over), and its answer (from any thread, at most
/// `answer_timeout` later) is written back before the next request is read.
template <class Stream>
class HttpConnection final : public Connection, public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;
  static constexpr bool is_local = std::is_same_v<Stream, LocalStream>;
  /// The socket underneath: TCP, or a unix socket for `LocalStream`.
  using Socket = std::conditional_t<is_local, boost::asio::local::stream_protocol::socket, boost::asio::ip::tcp::socket>;

  /// `socket` must already use the connection's own strand as its executor.
  HttpConnection(Socket&& socket, Peer peer, std::shared_ptr<ServerState> state);
  ~HttpConnection() override;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// Starts the handshake (TLS) or the first read. Call once, after the registry accepted it.
  void run();
  void close() override;

 private:
  class PendingAnswer;
  enum class Phase { reading, handling, writing, closed };

  void start();
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
  std::optional<HttpResponse> upgrade_refusal(const boost::beast::http::request<boost::beast::http::string_body>& message);
  void hand_over(boost::beast::http::request<boost::beast::http::string_body> message);
  void on_answer(std::uint64_t sequence, HttpResponse response);
  void on_answer_timeout(std::shared_ptr<PendingAnswer> pending, boost::beast::error_code ec);

  void send(HttpResponse response);
  void send_error(unsigned status, std::string_view message);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);

  void on_close();
  void finish();
  void discard_rest();
  void on_tls_shutdown(boost::beast::error_code ec);
  void abort();
  void log_response(unsigned status);
  void fail(boost::beast::error_code ec, const char* what);

  std::shared_ptr<ServerState> state_;
  std::optional<Stream> stream_;  // empty once handed to an upgrade
  boost::asio::steady_timer answer_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  Peer peer_;
  std::shared_ptr<PendingAnswer> pending_;
  std::shared_ptr<void> tracking_;  // what ServerOptions::track returned
  Phase phase_ = Phase::reading;
  bool closing_ = false;
  bool refused_ = false;       // a request was refused unread: drain before closing
  std::size_t discarded_ = 0;  // bytes dropped while draining
  bool keep_alive_ = false;
  bool head_ = false;  // the request being answered is a HEAD
  unsigned version_ = 11;
  std::uint64_t sequence_ = 0;
  std::uint64_t served_ = 0;
  std::string method_;  // of the request being answered, for the access log
  std::string path_;
  std::chrono::steady_clock::time_point started_;
};

extern template class HttpConnection<PlainStream>;
extern template class HttpConnection<TlsStream>;
extern template class HttpConnection<LocalStream>;

}  // namespace notifyd::sdk::http::detail
