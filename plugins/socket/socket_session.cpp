#include "socket_session.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http_target.hpp"
#include "server_state.hpp"

namespace notifyd::socket_api {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Bytes asked for while waiting for the first byte of a kept-alive request.
constexpr std::size_t idle_read_bytes = 4096;
// After refusing a request whose body was not read, how much more of it is
// read and dropped, and for how long, so that the client reads the answer
// instead of a connection reset.
constexpr std::size_t drain_bytes = 1 << 20;
constexpr auto drain_time = std::chrono::seconds(2);

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// True when a handler-supplied header may be written as is.
bool header_is_safe(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') return false;
  }
  for (const char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool header_is_framing(std::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection") || beast::iequals(name, "content-type");
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

sdk::HttpResponse internal_error() { return sdk::HttpResponse::error(500, "internal error"); }

}  // namespace

/// The state behind one request's Responder: it is used exactly once, from
/// any thread, and only reaches the session if the session still exists.
class SocketSession::PendingAnswer {
 public:
  PendingAnswer(std::weak_ptr<SocketSession> session, net::any_io_executor executor, std::uint64_t sequence)
      : sequence(sequence), session_(std::move(session)), executor_(std::move(executor)) {}

  /// True for the first caller only: the one who may answer.
  bool claim() noexcept { return !answered_.exchange(true); }

  /// Hands `response` to the session's strand, unless the request was already answered.
  void answer(sdk::HttpResponse response) {
    if (!claim()) return;
    auto session = session_.lock();
    if (!session) return;
    net::post(executor_, [session = std::move(session), sequence = sequence, response = std::move(response)]() mutable {
      session->on_answer(sequence, std::move(response));
    });
  }

  const std::uint64_t sequence;

 private:
  std::weak_ptr<SocketSession> session_;
  net::any_io_executor executor_;
  std::atomic<bool> answered_{false};
};

SocketSession::SocketSession(net::local::stream_protocol::socket&& socket, PeerIdentity peer,
                             std::shared_ptr<ServerState> state)
    : stream_(std::move(socket)),
      answer_timer_(stream_.get_executor()),
      peer_(std::move(peer)),
      state_(std::move(state)) {}

SocketSession::~SocketSession() { state_->sessions.remove(this); }

void SocketSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&SocketSession::read_request, shared_from_this()));
}

void SocketSession::close() {
  net::post(stream_.get_executor(), beast::bind_front_handler(&SocketSession::on_close, shared_from_this()));
}

void SocketSession::on_close() {
  closing_ = true;
  // A request being answered or written is finished first; on_write then closes.
  if (phase_ == Phase::reading || (phase_ == Phase::closed && refused_)) abort();
}

// ---- reading ---------------------------------------------------------------

void SocketSession::read_request() {
  if (closing_) return abort();
  phase_ = Phase::reading;
  parser_.emplace();
  parser_->header_limit(header_limit_bytes);
  parser_->body_limit(state_->settings.body_limit);

  if (served_ > 0 && buffer_.size() == 0) {
    // Between kept-alive requests: wait up to idle_timeout for the next one to begin.
    stream_.expires_after(state_->settings.idle_timeout);
    stream_.async_read_some(buffer_.prepare(idle_read_bytes),
                            beast::bind_front_handler(&SocketSession::on_idle_read, shared_from_this()));
    return;
  }
  // The whole header must arrive within header_timeout (from the connection's
  // start for the first request).
  started_ = std::chrono::steady_clock::now();
  stream_.expires_after(state_->settings.header_timeout);
  read_header();
}

void SocketSession::on_idle_read(beast::error_code ec, std::size_t bytes) {
  if (phase_ == Phase::closed) return;  // closed by stop while this completion was queued
  if (ec) return on_read_error(ec, "idle read");
  buffer_.commit(bytes);
  started_ = std::chrono::steady_clock::now();
  stream_.expires_after(state_->settings.header_timeout);
  read_header();
}

void SocketSession::read_header() {
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&SocketSession::on_header, shared_from_this()));
}

void SocketSession::on_header(beast::error_code ec, std::size_t) {
  if (phase_ == Phase::closed) return;
  if (ec) return on_read_error(ec, "read header");
  const auto& request = parser_->get();
  version_ = request.version();
  if (!parser_->is_done() && request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue")) {
    continue_ = http::response<http::empty_body>(http::status::continue_, request.version());
    stream_.expires_after(state_->settings.request_timeout);
    http::async_write(stream_, continue_,
                      beast::bind_front_handler(&SocketSession::on_continue_sent, shared_from_this()));
    return;
  }
  read_body();
}

void SocketSession::on_continue_sent(beast::error_code ec, std::size_t) {
  if (phase_ == Phase::closed) return;
  if (ec) return fail(ec, "write 100-continue");
  read_body();
}

void SocketSession::read_body() {
  if (parser_->is_done()) return handle_request();
  stream_.expires_after(state_->settings.request_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&SocketSession::on_body, shared_from_this()));
}

void SocketSession::on_body(beast::error_code ec, std::size_t) {
  // A request read in full just as stop closed the connection is not handled:
  // whatever it would store could not be answered.
  if (phase_ == Phase::closed) return;
  if (ec) return on_read_error(ec, "read body");
  handle_request();
}

void SocketSession::on_read_error(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof) {
    return finish();  // the client went away
  }
  if (ec == beast::error::timeout) {
    // basic_stream has closed the socket: nothing more can be written.
    phase_ = Phase::closed;
    if (state_->host.log().enabled(sdk::LogLevel::debug)) {
      state_->host.log().debug(what, " timed out for ", peer_.caller.user, "; connection closed");
    }
    return;
  }
  if (ec == http::error::header_limit) return send_error(431, "request header too large");
  if (ec == http::error::body_limit) {
    return send_error(413, "request body is larger than " + std::to_string(state_->settings.body_limit) + " bytes");
  }
  if (is_http_error(ec)) return send_error(400, "bad request");
  fail(ec, what);
}

// ---- answering -------------------------------------------------------------

void SocketSession::handle_request() {
  phase_ = Phase::handling;
  stream_.expires_never();
  auto message = parser_->release();
  parser_.reset();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  method_ = std::string(message.method_string());

  auto target = parse_request_target(message.target());
  if (!target) {
    path_ = "-";
    return send_error(400, "bad request target");
  }
  path_ = target->path;

  sdk::HttpRequest request;
  request.method = method_;
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  for (const auto& field : message) {
    auto [it, inserted] = request.headers.emplace(lower_case(field.name_string()), std::string(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second.append(field.value().data(), field.value().size());
    }
  }
  request.body = std::move(message.body());
  request.caller = peer_.caller;

  auto pending = std::make_shared<PendingAnswer>(weak_from_this(), stream_.get_executor(), ++sequence_);
  pending_ = pending;
  const sdk::Responder respond = [pending](sdk::HttpResponse response) { pending->answer(std::move(response)); };
  answer_timer_.expires_after(state_->settings.request_timeout);
  answer_timer_.async_wait(beast::bind_front_handler(&SocketSession::on_answer_timeout, shared_from_this(), pending));

  try {
    route(std::move(request), respond);
  } catch (const std::exception& e) {
    state_->host.log().error(method_, " ", path_, ": handler failed: ", e.what());
    respond(internal_error());
  } catch (...) {
    state_->host.log().error(method_, " ", path_, ": handler failed with an unknown exception");
    respond(internal_error());
  }
}

void SocketSession::route(sdk::HttpRequest request, const sdk::Responder& respond) {
  const auto builtin = state_->routes.find(request.method, request.path);
  if (builtin.handler) return state_->routes.serve(builtin, std::move(request), peer_.credentials, respond);
  if (builtin.path_known) {
    auto response = sdk::HttpResponse::error(405, "method not allowed");
    response.headers.emplace_back("Allow", std::string(builtin.allow));
    return respond(std::move(response));
  }

  auto match = state_->host.routes().find(sdk::surface_socket, request.method, request.path);
  if (match.route) {
    const sdk::RouteHandler handler = match.route->handler;
    request.path_params = std::move(match.path_params);
    handler(std::move(request), respond);
    return;
  }
  if (match.path_known) return respond(sdk::HttpResponse::error(405, "method not allowed"));
  respond(sdk::HttpResponse::error(404, "not found"));
}

void SocketSession::on_answer(std::uint64_t sequence, sdk::HttpResponse response) {
  if (phase_ != Phase::handling || !pending_ || pending_->sequence != sequence) return;
  pending_.reset();
  answer_timer_.cancel();
  send(std::move(response));
}

void SocketSession::on_answer_timeout(std::shared_ptr<PendingAnswer> pending, beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  if (!pending->claim()) return;  // the answer is already on its way
  if (phase_ != Phase::handling || pending_ != pending) return;
  pending_.reset();
  state_->host.log().warn(method_, " ", path_, ": no answer within ",
                          state_->settings.request_timeout.count(), " ms; answering 504");
  keep_alive_ = false;  // the handler may still be working on it
  send(sdk::HttpResponse::error(504, "the request was not answered in time"));
}

// ---- writing ---------------------------------------------------------------

void SocketSession::send_error(unsigned status, std::string_view message) {
  keep_alive_ = false;
  refused_ = true;
  if (method_.empty()) method_ = "-";
  if (path_.empty()) path_ = "-";
  send(sdk::HttpResponse::error(status, message));
}

void SocketSession::send(sdk::HttpResponse response) {
  phase_ = Phase::writing;
  unsigned status = response.status;
  if (status < 200 || status > 599) {
    state_->host.log().error(method_, " ", path_, ": handler answered with status ", status, "; sending 500");
    response = internal_error();
    status = 500;
  }

  response_ = {};
  response_.version(version_ == 10 ? 10 : 11);
  response_.result(status);
  response_.set(http::field::server, "notifyd");
  const bool type_ok = !response.content_type.empty() && header_is_safe("Content-Type", response.content_type);
  response_.set(http::field::content_type, type_ok ? response.content_type : std::string("application/octet-stream"));
  for (const auto& [name, value] : response.headers) {
    if (header_is_safe(name, value) && !header_is_framing(name)) response_.insert(name, value);
  }
  if (status != 204 && status != 304) response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive_ && !closing_);
  response_.prepare_payload();

  state_->count_response(status);
  log_response(status);
  method_.clear();
  path_.clear();

  stream_.expires_after(state_->settings.request_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&SocketSession::on_write, shared_from_this(), response_.keep_alive()));
}

void SocketSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  ++served_;
  if (!keep_alive || closing_) return finish();
  read_request();
}

// ---- closing ---------------------------------------------------------------

void SocketSession::finish() {
  phase_ = Phase::closed;
  beast::error_code ec;
  stream_.socket().shutdown(net::socket_base::shutdown_send, ec);
  if (refused_ && !closing_) return discard_rest();
  // Nothing is pending any more: the session ends, and the socket closes, when
  // the last handler holding it returns.
}

// Closing with the refused request's unread bytes still arriving would reset
// the connection, and the client could lose the answer already sent.
void SocketSession::discard_rest() {
  buffer_.consume(buffer_.size());
  if (discarded_ == 0) stream_.expires_after(drain_time);
  stream_.async_read_some(buffer_.prepare(idle_read_bytes), [self = shared_from_this()](beast::error_code ec,
                                                                                      std::size_t bytes) {
    self->discarded_ += bytes;
    if (ec || self->discarded_ > drain_bytes || self->closing_) return;
    self->discard_rest();
  });
}

void SocketSession::abort() {
  phase_ = Phase::closed;
  answer_timer_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(net::socket_base::shutdown_both, ec);
  stream_.close();
}

void SocketSession::log_response(unsigned status) {
  auto& log = state_->host.log();
  const auto level = status >= 500 ? sdk::LogLevel::warn : status >= 400 ? sdk::LogLevel::info : sdk::LogLevel::debug;
  if (!log.enabled(level)) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  const std::string line = method_ + " " + path_ + " " + std::to_string(status) + " user=" + peer_.caller.user +
                           " pid=" + std::to_string(peer_.credentials.pid) + " " + std::to_string(elapsed.count()) + "ms";
  log.write(level, line);
}

void SocketSession::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  phase_ = Phase::closed;
  auto& log = state_->host.log();
  if (log.enabled(sdk::LogLevel::debug)) log.debug(what, ": ", ec.message(), " (user ", peer_.caller.user, ")");
}

}  // namespace notifyd::socket_api
