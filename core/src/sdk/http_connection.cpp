#include "http_connection.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "notifyd/sdk/http/request_target.hpp"

namespace notifyd::sdk::http::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace std::chrono_literals;

// Bytes asked for while waiting for the first byte of a kept-alive request.
constexpr std::size_t idle_read_bytes = 4096;
// Time allowed for a TLS close_notify exchange.
constexpr auto tls_shutdown_timeout = 5s;
// After refusing a request whose body was not read, how much more of it is
// read and dropped, and for how long, so that the client reads the answer
// instead of a connection reset.
constexpr std::size_t drain_bytes = 1 << 20;
constexpr auto drain_time = 2s;

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The handler's view of `message` (its body left where it is).
HttpRequest to_request(const bhttp::request<bhttp::string_body>& message, RequestTarget target) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.path = std::move(target.path);
  request.query = std::move(target.query);
  for (const auto& field : message) {
    auto [it, inserted] = request.headers.emplace(lower_case(field.name_string()), std::string(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second.append(field.value().data(), field.value().size());
    }
  }
  return request;
}

template <class Stream, class Socket>
Stream make_stream(Socket&& socket, ServerState& state) {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    return Stream(std::move(socket), *state.options.tls);
  } else {
    return Stream(std::move(socket));
  }
}

}  // namespace

/// The state behind one request's Responder: used exactly once, from any
/// thread, and reaches the connection only while it exists.
template <class Stream>
class HttpConnection<Stream>::PendingAnswer {
 public:
  PendingAnswer(std::weak_ptr<HttpConnection> connection, net::any_io_executor executor, std::uint64_t sequence)
      : sequence(sequence), connection_(std::move(connection)), executor_(std::move(executor)) {}

  /// True for the first caller only: the one who may answer.
  bool claim() noexcept { return !answered_.exchange(true); }

  /// Hands `response` to the connection's strand, unless the request was already answered.
  void answer(HttpResponse response) {
    if (!claim()) return;
    auto connection = connection_.lock();
    if (!connection) return;
    net::post(executor_, [connection = std::move(connection), sequence = sequence,
                          response = std::move(response)]() mutable {
      connection->on_answer(sequence, std::move(response));
    });
  }

  const std::uint64_t sequence;

 private:
  std::weak_ptr<HttpConnection> connection_;
  net::any_io_executor executor_;
  std::atomic<bool> answered_{false};
};

template <class Stream>
HttpConnection<Stream>::HttpConnection(Socket&& socket, Peer peer, std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      stream_(make_stream<Stream>(std::move(socket), *state_)),
      answer_timer_(stream_->get_executor()),
      peer_(std::move(peer)) {}

template <class Stream>
HttpConnection<Stream>::~HttpConnection() {
  state_->connections.remove(this);
}

template <class Stream>
void HttpConnection<Stream>::run() {
  if (state_->options.track) {
    tracking_ = state_->options.track(peer_, [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) self->close();
    });
  }
  net::dispatch(answer_timer_.get_executor(),
                beast::bind_front_handler(&HttpConnection::start, this->shared_from_this()));
}

template <class Stream>
void HttpConnection<Stream>::start() {
  started_ = std::chrono::steady_clock::now();
  if constexpr (is_tls) {
    beast::get_lowest_layer(*stream_).expires_after(state_->settings.header_timeout);
    stream_->async_handshake(net::ssl::stream_base::server,
                             beast::bind_front_handler(&HttpConnection::on_handshake, this->shared_from_this()));
  } else {
    read_request();
  }
}

template <class Stream>
void HttpConnection<Stream>::on_handshake(beast::error_code ec) {
  if (phase_ == Phase::closed) return;
  if (ec) return on_read_error(ec, "TLS handshake");
  read_request();
}

template <class Stream>
void HttpConnection<Stream>::close() {
  net::post(answer_timer_.get_executor(),
            beast::bind_front_handler(&HttpConnection::on_close, this->shared_from_this()));
}

template <class Stream>
void HttpConnection<Stream>::on_close() {
  closing_ = true;
  // A request being answered or written is finished first; on_write then closes.
  if (phase_ == Phase::reading || (phase_ == Phase::closed && refused_)) abort();
}

// ---- reading ---------------------------------------------------------------

template <class Stream>
void HttpConnection<Stream>::read_request() {
  if (closing_) return abort();
  phase_ = Phase::reading;
  parser_.emplace();
  parser_->header_limit(header_limit_bytes);
  parser_->body_limit(state_->settings.body_limit);

  if (served_ > 0 && buffer_.size() == 0) {
    // Between kept-alive requests: wait up to idle_timeout for the next one to begin.
    beast::get_lowest_layer(*stream_).expires_after(state_->settings.idle_timeout);
    stream_->async_read_some(buffer_.prepare(idle_read_bytes),
                             beast::bind_front_handler(&HttpConnection::on_idle_read, this->shared_from_this()));
    return;
  }
  // The whole header must arrive within header_timeout (from the connection's
  // start, handshake included, for the first request).
  if (served_ > 0) started_ = std::chrono::steady_clock::now();
  beast::get_lowest_layer(*stream_).expires_after(state_->settings.header_timeout);
  read_header();
}

template <class Stream>
void HttpConnection<Stream>::on_idle_read(beast::error_code ec, std::size_t bytes) {
  if (phase_ == Phase::closed) return;  // closed by stop while this completion was queued
  if (ec) return on_read_error(ec, "idle read");
  buffer_.commit(bytes);
  started_ = std::chrono::steady_clock::now();
  beast::get_lowest_layer(*stream_).expires_after(state_->settings.header_timeout);
  read_header();
}

template <class Stream>
void HttpConnection<Stream>::read_header() {
  bhttp::async_read_header(*stream_, buffer_, *parser_,
                           beast::bind_front_handler(&HttpConnection::on_header, this->shared_from_this()));
}

template <class Stream>
void HttpConnection<Stream>::on_header(beast::error_code ec, std::size_t) {
  if (phase_ == Phase::closed) return;
  if (ec) return on_read_error(ec, "read header");
  const auto& request = parser_->get();
  version_ = request.version();
  if (!parser_->is_done() && request.version() >= 11 && beast::iequals(request[bhttp::field::expect], "100-continue")) {
    continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, request.version());
    beast::get_lowest_layer(*stream_).expires_after(state_->settings.request_timeout);
    bhttp::async_write(*stream_, continue_,
                       beast::bind_front_handler(&HttpConnection::on_continue_sent, this->shared_from_this()));
    return;
  }
  read_body();
}

template <class Stream>
void HttpConnection<Stream>::on_continue_sent(beast::error_code ec, std::size_t) {
  if (phase_ == Phase::closed) return;
  if (ec) return fail(ec, "write 100-continue");
  read_body();
}

template <class Stream>
void HttpConnection<Stream>::read_body() {
  if (parser_->is_done()) return handle_request();
  beast::get_lowest_layer(*stream_).expires_after(state_->settings.request_timeout);
  bhttp::async_read(*stream_, buffer_, *parser_,
                    beast::bind_front_handler(&HttpConnection::on_body, this->shared_from_this()));
}

template <class Stream>
void HttpConnection<Stream>::on_body(beast::error_code ec, std::size_t) {
  // A request read in full just as stop closed the connection is not handled:
  // whatever it would do could not be answered.
  if (phase_ == Phase::closed) return;
  if (ec) return on_read_error(ec, "read body");
  handle_request();
}

template <class Stream>
void HttpConnection<Stream>::on_read_error(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == net::error::eof ||
      ec == net::ssl::error::stream_truncated) {
    return finish();  // the client went away
  }
  if (ec == beast::error::timeout) {
    // basic_stream has closed the socket: nothing more can be written.
    phase_ = Phase::closed;
    if (state_->host.log().enabled(LogLevel::debug)) {
      state_->host.log().debug(what, " timed out for ", peer_.to_string(), "; connection closed");
    }
    return;
  }
  if constexpr (is_tls) {
    if (!parser_) return fail(ec, what);  // the handshake failed: nothing can be answered
  }
  if (ec == bhttp::error::header_limit) return send_error(431, "request header too large");
  if (ec == bhttp::error::body_limit) {
    return send_error(413, "request body is larger than " + std::to_string(state_->settings.body_limit) + " bytes");
  }
  if (is_http_error(ec)) return send_error(400, "bad request");
  fail(ec, what);
}

// ---- answering -------------------------------------------------------------

template <class Stream>
void HttpConnection<Stream>::handle_request() {
  phase_ = Phase::handling;
  beast::get_lowest_layer(*stream_).expires_never();
  auto message = parser_->release();
  parser_.reset();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  method_ = std::string(message.method_string());

  if (state_->options.upgrade && beast::websocket::is_upgrade(message)) {
    if (auto refusal = upgrade_refusal(message)) {
      keep_alive_ = false;
      return send(std::move(*refusal));
    }
    return hand_over(std::move(message));
  }

  auto target = parse_request_target(message.target());
  if (!target) {
    path_ = "-";
    return send_error(400, "bad request target");
  }
  path_ = target->path;

  head_ = message.method() == bhttp::verb::head;
  HttpRequest request = to_request(message, std::move(*target));
  if (head_) request.method = "GET";
  request.body = std::move(message.body());

  auto pending = std::make_shared<PendingAnswer>(this->weak_from_this(), answer_timer_.get_executor(), ++sequence_);
  pending_ = pending;
  const Responder respond = [pending](HttpResponse response) { pending->answer(std::move(response)); };
  answer_timer_.expires_after(state_->settings.answer_timeout);
  answer_timer_.async_wait(
      beast::bind_front_handler(&HttpConnection::on_answer_timeout, this->shared_from_this(), pending));
  try {
    state_->options.handler(peer_, std::move(request), respond);
  } catch (const std::exception& e) {
    state_->host.log().error(method_, " ", path_, ": handler failed: ", e.what());
    respond(HttpResponse::error(500, "internal error"));
  } catch (...) {
    state_->host.log().error(method_, " ", path_, ": handler failed with an unknown exception");
    respond(HttpResponse::error(500, "internal error"));
  }
}

template <class Stream>
std::optional<HttpResponse> HttpConnection<Stream>::upgrade_refusal(const bhttp::request<bhttp::string_body>& message) {
  if (!state_->options.check_upgrade) return std::nullopt;
  auto target = parse_request_target(message.target());
  if (!target) {
    path_ = "-";
    return HttpResponse::error(400, "bad request target");
  }
  path_ = target->path;
  try {
    return state_->options.check_upgrade(peer_, to_request(message, std::move(*target)));
  } catch (const std::exception& e) {
    state_->host.log().error("upgrade check of ", path_, " failed: ", e.what());
  } catch (...) {
    state_->host.log().error("upgrade check of ", path_, " failed with an unknown exception");
  }
  return HttpResponse::error(500, "internal error");
}

template <class Stream>
void HttpConnection<Stream>::hand_over(bhttp::request<bhttp::string_body> message) {
  phase_ = Phase::closed;
  Upgrade upgrade{peer_, std::move(*stream_), std::move(buffer_), std::move(message), std::move(tracking_)};
  stream_.reset();
  try {
    state_->options.upgrade(std::move(upgrade));
  } catch (const std::exception& e) {
    state_->host.log().error("upgrade from ", peer_.to_string(), " failed: ", e.what());
  }
}

template <class Stream>
void HttpConnection<Stream>::on_answer(std::uint64_t sequence, HttpResponse response) {
  if (phase_ != Phase::handling || !pending_ || pending_->sequence != sequence) return;
  pending_.reset();
  answer_timer_.cancel();
  send(std::move(response));
}

template <class Stream>
void HttpConnection<Stream>::on_answer_timeout(std::shared_ptr<PendingAnswer> pending, beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  if (!pending->claim()) return;  // the answer is already on its way
  if (phase_ != Phase::handling || pending_ != pending) return;
  pending_.reset();
  state_->host.log().warn(method_, " ", path_, ": no answer within ", state_->settings.answer_timeout.count(),
                          " ms; answering 504");
  keep_alive_ = false;  // the handler may still be working on it
  send(HttpResponse::error(504, "the request was not answered in time"));
}

// ---- writing ---------------------------------------------------------------

template <class Stream>
void HttpConnection<Stream>::send_error(unsigned status, std::string_view message) {
  keep_alive_ = false;
  refused_ = true;
  head_ = false;
  if (method_.empty()) method_ = "-";
  if (path_.empty()) path_ = "-";
  send(HttpResponse::error(status, message));
}

template <class Stream>
void HttpConnection<Stream>::send(HttpResponse response) {
  phase_ = Phase::writing;
  if (response.status < 200 || response.status > 599) {
    state_->host.log().error(method_, " ", path_, ": handler answered with status ", response.status, "; sending 500");
    response = HttpResponse::error(500, "internal error");
  }
  if (state_->options.decorate) state_->options.decorate(peer_, response);
  const unsigned status = response.status;

  response_ = {};
  response_.version(version_ == 10 ? 10 : 11);
  response_.result(status);
  response_.set(bhttp::field::server, "notifyd");
  const bool type_ok = !response.content_type.empty() && header_is_safe("Content-Type", response.content_type);
  response_.set(bhttp::field::content_type, type_ok ? response.content_type : std::string("application/octet-stream"));
  for (const auto& [name, value] : response.headers) {
    if (header_is_safe(name, value) && !header_is_framing(name)) response_.insert(name, value);
  }
  if (status != 204 && status != 304) response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive_ && !closing_);
  response_.prepare_payload();
  if (head_) response_.body().clear();  // the headers (Content-Length included) say what a GET would get

  state_->count_response(status);
  log_response(status);
  method_.clear();
  path_.clear();
  head_ = false;

  beast::get_lowest_layer(*stream_).expires_after(state_->settings.request_timeout);
  bhttp::async_write(*stream_, response_,
                     beast::bind_front_handler(&HttpConnection::on_write, this->shared_from_this(),
                                               response_.keep_alive()));
}

template <class Stream>
void HttpConnection<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  ++served_;
  if (!keep_alive || closing_) return finish();
  read_request();
}

// ---- closing ---------------------------------------------------------------

template <class Stream>
void HttpConnection<Stream>::finish() {
  phase_ = Phase::closed;
  if constexpr (is_tls) {
    beast::get_lowest_layer(*stream_).expires_after(tls_shutdown_timeout);
    stream_->async_shutdown(beast::bind_front_handler(&HttpConnection::on_tls_shutdown, this->shared_from_this()));
  } else {
    beast::error_code ec;
    beast::get_lowest_layer(*stream_).socket().shutdown(net::socket_base::shutdown_send, ec);
    if (refused_ && !closing_) return discard_rest();
    // Nothing is pending any more: the connection ends, and the socket
    // closes, when the last handler holding it returns.
  }
}

// Closing with the refused request's unread bytes still arriving would reset
// the connection, and the client could lose the answer already sent.
template <class Stream>
void HttpConnection<Stream>::discard_rest() {
  buffer_.consume(buffer_.size());
  if (discarded_ == 0) beast::get_lowest_layer(*stream_).expires_after(drain_time);
  stream_->async_read_some(buffer_.prepare(idle_read_bytes),
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
                             self->discarded_ += bytes;
                             if (ec || self->discarded_ > drain_bytes || self->closing_) return;
                             self->discard_rest();
                           });
}

template <class Stream>
void HttpConnection<Stream>::on_tls_shutdown(beast::error_code) {
  beast::get_lowest_layer(*stream_).close();
}

template <class Stream>
void HttpConnection<Stream>::abort() {
  phase_ = Phase::closed;
  answer_timer_.cancel();
  if (!stream_) return;
  beast::error_code ec;
  beast::get_lowest_layer(*stream_).socket().shutdown(net::socket_base::shutdown_both, ec);
  beast::get_lowest_layer(*stream_).close();
}

template <class Stream>
void HttpConnection<Stream>::log_response(unsigned status) {
  auto& log = state_->host.log();
  const auto level = status >= 500 ? LogLevel::warn : status >= 400 ? LogLevel::info : LogLevel::debug;
  if (!log.enabled(level)) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  std::string who = peer_.to_string();
  if (peer_.user) who += " user=" + *peer_.user;
  log.write(level, method_ + " " + path_ + " " + std::to_string(status) + " from " + who + " " +
                       std::to_string(elapsed.count()) + "ms");
}

template <class Stream>
void HttpConnection<Stream>::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  phase_ = Phase::closed;
  auto& log = state_->host.log();
  if (log.enabled(LogLevel::debug)) log.debug(what, ": ", ec.message(), " (", peer_.to_string(), ")");
}

template class HttpConnection<PlainStream>;
template class HttpConnection<TlsStream>;
template class HttpConnection<LocalStream>;

}  // namespace notifyd::sdk::http::detail
