#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "notifyd/sdk/http.hpp"
#include "peer_identity.hpp"

namespace notifyd::socket_api {

struct ServerState;

/// One connection: HTTP/1.1 with keep-alive, one request at a time, on its
/// own strand. Reads a request (idle, header and body deadlines, header and
/// body size limits), routes it to a built-in or registered handler, waits
/// for the handler's answer (from any thread, at most `request_timeout`),
/// writes the response, and reads the next one.
class SocketSession : public std::enable_shared_from_this<SocketSession> {
 public:
  using Stream = boost::beast::basic_stream<boost::asio::local::stream_protocol, boost::asio::any_io_executor,
                                            boost::beast::unlimited_rate_policy>;

  /// `socket` must already use the session's own strand as its executor.
  SocketSession(boost::asio::local::stream_protocol::socket&& socket, PeerIdentity peer,
                std::shared_ptr<ServerState> state);
  ~SocketSession();
  SocketSession(const SocketSession&) = delete;
  SocketSession& operator=(const SocketSession&) = delete;

  /// Starts reading requests. Call once, after the registry accepted the session.
  void run();
  /// Closes the connection from any thread: at once when it is waiting for a
  /// request, after the response when a request is being answered.
  void close();

 private:
  class PendingAnswer;
  enum class Phase { reading, handling, writing, closed };

  void read_request();
  void on_idle_read(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec, const char* what);

  void handle_request();
  void route(sdk::HttpRequest request, const sdk::Responder& respond);
  void on_answer(std::uint64_t sequence, sdk::HttpResponse response);
  void on_answer_timeout(std::shared_ptr<PendingAnswer> pending, boost::beast::error_code ec);

  void send(sdk::HttpResponse response);
  void send_error(unsigned status, std::string_view message);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);

  void on_close();
  void finish();
  void discard_rest();
  void abort();
  void log_response(unsigned status);
  void fail(boost::beast::error_code ec, const char* what);

  Stream stream_;
  boost::asio::steady_timer answer_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  PeerIdentity peer_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<PendingAnswer> pending_;
  Phase phase_ = Phase::reading;
  bool closing_ = false;
  bool refused_ = false;          ///< the request was refused unread: drain before closing
  std::size_t discarded_ = 0;     ///< bytes dropped while draining
  bool keep_alive_ = false;
  unsigned version_ = 11;
  std::uint64_t sequence_ = 0;
  std::uint64_t served_ = 0;
  std::string method_;  // of the request being answered, for the access log
  std::string path_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace notifyd::socket_api
