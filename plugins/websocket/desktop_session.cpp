#include "desktop_session.hpp"

#include <algorithm>
#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "jwt.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/stored_image.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "replay.hpp"
#include "server_message.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;

// Largest HTTP upgrade request header accepted.
constexpr std::uint32_t upgrade_header_limit = 8 * 1024;
// How long a connection being closed (stop, auth refusal) may take to flush and close.
constexpr std::chrono::milliseconds close_grace{2000};
// How long a client that stopped reading has to take its close frame.
constexpr std::chrono::milliseconds stalled_close_grace{5000};
// A read buffer larger than this is released after the message is handled.
constexpr std::size_t keep_read_capacity = 1024;
// Largest message before auth: the auth message (a token of at most 4 KiB),
// so an unauthenticated connection cannot make its read buffer grow further.
constexpr std::size_t auth_message_limit = 8 * 1024;
// Where the images of notification frames (`image_url`) are served, here as on the dashboard.
constexpr std::string_view image_path_prefix = "/api/notifications/images/";

const SendQueue::Frame& ping_frame() {
  static const SendQueue::Frame frame = std::make_shared<const std::string>(ping_message());
  return frame;
}

const SendQueue::Frame& pong_frame() {
  static const SendQueue::Frame frame = std::make_shared<const std::string>(pong_message());
  return frame;
}

bool is_disconnect(const beast::error_code& ec) {
  return ec == ws::error::closed || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated || ec == beast::error::timeout;
}

}  // namespace

template <class Stream>
void DesktopSession<Stream>::init() {
  queue_ = SendQueue(state_->settings.send_queue_frames, state_->settings.send_queue_bytes);
}

template <class Stream>
DesktopSession<Stream>::~DesktopSession() {
  state_->registry.closed(this);
}

template <class Stream>
void DesktopSession<Stream>::run() {
  net::dispatch(ws_.get_executor(), beast::bind_front_handler(&DesktopSession::start, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::start() {
  peer_ = remote_address();
  // The whole opening (TLS, upgrade, auth message) must fit in auth_timeout.
  arm_timer(state_->settings.auth_timeout);
  if constexpr (std::is_same_v<Stream, TlsWebSocket>) {
    ws_.next_layer().async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&DesktopSession::on_tls_handshake, this->shared_from_this()));
  } else {
    read_upgrade();
  }
}

template <class Stream>
void DesktopSession<Stream>::on_tls_handshake(beast::error_code ec) {
  if (ec) {
    fail(ec, "TLS handshake");
    return drop();
  }
  read_upgrade();
}

// ---- the HTTP upgrade --------------------------------------------------------

template <class Stream>
void DesktopSession<Stream>::read_upgrade() {
  upgrade_ = std::make_unique<http::request_parser<http::empty_body>>();
  upgrade_->header_limit(upgrade_header_limit);
  http::async_read(ws_.next_layer(), buffer_, *upgrade_,
                   beast::bind_front_handler(&DesktopSession::on_upgrade_request, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_upgrade_request(beast::error_code ec, std::size_t) {
  if (phase_ != Phase::handshake) return;
  if (ec) {
    if (ec == http::error::header_limit) return answer_error(431, "request header too large");
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return answer_error(400, "bad request");
    }
    fail(ec, "read upgrade request");
    return drop();
  }
  const auto& request = upgrade_->get();
  if (!ws::is_upgrade(request)) {
    const bool get = request.method() == http::verb::get || request.method() == http::verb::head;
    if (get && request.target().starts_with(image_path_prefix)) {
      return serve_image(request);
    }
    return answer_error(426, "this is the notifyd desktop WebSocket endpoint");
  }
  const auto& allowed = state_->settings.allowed_origins;
  // Browsers always send Origin; the desktop app (like any non-browser
  // client) sends none, and cannot be the cross-site page this guards against.
  if (!allowed.empty() && request.count(http::field::origin) > 0) {
    const auto origin = request[http::field::origin];
    const bool known = std::any_of(allowed.begin(), allowed.end(), [&](const std::string& o) { return o == origin; });
    if (!known) {
      state_->host.log().info("refused an upgrade from ", peer(), ": origin \"",
                              std::string_view(origin.data(), std::min<std::size_t>(origin.size(), 200)),
                              "\" is not in allowed_origins");
      return answer_error(403, "origin not allowed");
    }
  }

  const auto& settings = state_->settings;
  ws::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = settings.auth_timeout;
  timeouts.idle_timeout = settings.ping_interval * static_cast<int>(settings.max_missed_pongs);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(ws::stream_base::decorator([](ws::response_type& response) {
    response.set(http::field::server, "notifyd");
  }));
  ws_.read_message_max(std::min(settings.max_frame, auth_message_limit));
  ws_.auto_fragment(false);
  ws_.async_accept(request, beast::bind_front_handler(&DesktopSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::answer_error(unsigned status, std::string_view reason) {
  answer_and_close(status, "application/json", sdk::json_quote(reason).insert(0, R"({"error":)") + "}");
}

// The desktop app fetches a notification's image_url here with its token
// (`Authorization: Bearer <token>`); only the notification's owner gets it.
template <class Stream>
void DesktopSession<Stream>::serve_image(const http::request<http::empty_body>& request) {
  const std::string_view authorization = request[http::field::authorization];
  constexpr std::string_view bearer = "Bearer ";
  if (!authorization.starts_with(bearer)) {
    return answer_error(401, "a desktop token is required (Authorization: Bearer)");
  }
  auto claims =
      verify_jwt(authorization.substr(bearer.size()), state_->settings.jwt_secret, sdk::now_epoch_ms() / 1000);
  if (!claims) return answer_error(401, claims.error());
  std::string_view rest = request.target().substr(image_path_prefix.size());
  rest = rest.substr(0, rest.find('?'));
  const auto id = sdk::parse_notification_id(rest);
  auto entry = id ? state_->host.notifications().find(*id) : sdk::Result<sdk::HistoryEntry>::failure("no id");
  // Someone else's notification and a missing one look the same.
  if (!entry || entry.value().notification.user != claims->subject) return answer_error(404, "no such image");
  auto image = sdk::read_notification_image(entry.value().notification, state_->settings.image_max_bytes);
  if (!image) return answer_error(404, "no such image");
  answer_and_close(200, image.value().content_type, std::move(image.value().bytes));
}

template <class Stream>
void DesktopSession<Stream>::answer_and_close(unsigned status, std::string_view content_type, std::string body) {
  phase_ = Phase::closing;
  http_answer_ = std::make_unique<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  http_answer_->set(http::field::server, "notifyd");
  http_answer_->set(http::field::content_type, content_type);
  if (status == 200) http_answer_->set(http::field::cache_control, "private, max-age=86400, immutable");
  http_answer_->keep_alive(false);
  http_answer_->body() = std::move(body);
  http_answer_->prepare_payload();
  // A HEAD gets what a GET would, Content-Length included, without the body.
  if (upgrade_ && upgrade_->is_header_done() && upgrade_->get().method() == http::verb::head) http_answer_->body().clear();
  http::async_write(ws_.next_layer(), *http_answer_,
                    beast::bind_front_handler(&DesktopSession::on_http_answer_written, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_http_answer_written(beast::error_code ec, std::size_t) {
  if (ec) fail(ec, "write HTTP answer");
  drop();
}

template <class Stream>
void DesktopSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    fail(ec, "accept");
    return drop();
  }
  if (phase_ != Phase::handshake) return;
  phase_ = Phase::auth;
  upgrade_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  read_message();
}

// ---- reading -----------------------------------------------------------------

template <class Stream>
void DesktopSession<Stream>::read_message() {
  ws_.async_read(buffer_, beast::bind_front_handler(&DesktopSession::on_read, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == ws::error::message_too_big) {
      state_->host.log().info("closed the desktop connection of ", user_.empty() ? "an unauthenticated client" : user_,
                              " from ", peer(), ": a message was larger than ", ws_.read_message_max(), " bytes");
    } else if (!report_silent_peer(ec)) {
      fail(ec, "read");
    }
    return drop();
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    return read_message();
  }
  const auto data = buffer_.cdata();
  const ClientMessage message =
      parse_client_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > keep_read_capacity) buffer_.shrink_to_fit();

  switch (phase_) {
    case Phase::auth:
      if (message.type == ClientMessage::Type::auth) {
        handle_auth(message);
      } else if (message.type == ClientMessage::Type::invalid) {
        state_->auth_failures.inc();
        refuse_auth(message.error, message.reason);
      } else {
        state_->auth_failures.inc();
        refuse_auth(auth_error_text::expected_auth, "the first message must be {\"type\":\"auth\",\"token\":…}");
      }
      break;
    case Phase::live:
      if (message.type == ClientMessage::Type::pong) {
        unanswered_pings_ = 0;
      } else if (message.type == ClientMessage::Type::ping) {
        enqueue_after_backlog(pong_frame());
      }
      break;
    default:
      break;
  }
  if (phase_ != Phase::closed) read_message();
}

// ---- authentication and replay -----------------------------------------------

template <class Stream>
void DesktopSession<Stream>::handle_auth(const ClientMessage& message) {
  auto& log = state_->host.log();
  const std::int64_t now = sdk::now_epoch_ms() / 1000;
  auto claims = verify_jwt(message.token, state_->settings.jwt_secret, now);
  if (!claims) {
    state_->auth_failures.inc();
    log.info("refused a desktop connection from ", peer(), ": ", claims.error());
    return refuse_auth(auth_error_text::invalid_token, claims.error());
  }
  if (!state_->registry.authenticate(this, claims->subject)) {
    state_->auth_failures.inc();
    log.info("refused a desktop connection of ", claims->subject, " from ", peer(), ": already ",
             state_->settings.max_connections_per_user, " connections");
    return refuse_auth(auth_error_text::too_many_connections,
                       "at most " + std::to_string(state_->settings.max_connections_per_user) +
                           " connections per user");
  }
  user_ = std::move(claims->subject);
  token_expires_at_ = claims->expires_at;
  phase_ = Phase::live;
  ws_.read_message_max(state_->settings.max_frame);
  state_->remember_token(user_, claims->expires_at);
  if (log.enabled(sdk::LogLevel::debug)) log.debug(user_, " connected from ", peer());
  arm_timer(state_->settings.ping_interval);
  // From the plugin's executor, where `deliver` runs: every attempt that
  // found no connection has been reported to the outbox before this.
  net::post(state_->host.executor(), [state = state_, user = user_] { state->host.recipient_reachable(user); });
  if (message.since) return replay_since(*message.since);
  enqueue(std::make_shared<const std::string>(auth_ok_message(user_, std::nullopt)));
}

template <class Stream>
void DesktopSession<Stream>::replay_since(std::uint64_t since) {
  // This runs on the connection's strand after the registry lists the
  // connection, so every live delivery from now on is handled after the
  // replay is queued: held behind it, and dropped when the replay covered it.
  const auto& settings = state_->settings;
  auto replay = collect_replay(state_->host.notifications(), user_, state_->host.instance_name(), since,
                               settings.replay_limit, settings.replay_bytes);
  ReplaySummary summary;
  if (!replay) {
    state_->host.log().warn("cannot replay ", user_, "'s notifications after ", since, ": ", replay.error());
    summary.truncated = true;
    enqueue(std::make_shared<const std::string>(auth_ok_message(user_, summary)));
    return;
  }
  summary.count = replay->notifications.size();
  summary.truncated = replay->truncated;
  replayed_ = replay->coverage;
  state_->replayed.inc(summary.count);
  if (state_->host.log().enabled(sdk::LogLevel::debug)) {
    state_->host.log().debug("replaying ", summary.count, " notification(s) after ", since, " to ", user_,
                             summary.truncated ? " (truncated)" : "");
  }
  enqueue(std::make_shared<const std::string>(auth_ok_message(user_, summary)));
  if (phase_ != Phase::live || replay->notifications.empty()) return;
  backlog_ = std::make_unique<Backlog>();
  backlog_->replay = std::move(replay->notifications);
  backlog_->pending = std::move(replay->pending);
  refill();
  write_next();
}

template <class Stream>
void DesktopSession<Stream>::refuse_auth(std::string_view message, std::string_view reason) {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closing;
  close_code_ = ws::close_code::policy_error;
  enqueue(std::make_shared<const std::string>(auth_error_message(message, reason)));
  close_when_flushed_ = true;
  arm_timer(close_grace);
  write_next();
}

// ---- timers: auth deadline, heartbeat, close grace -----------------------------

template <class Stream>
void DesktopSession<Stream>::arm_timer(std::chrono::milliseconds after) {
  timer_.expires_after(after);
  timer_.async_wait(beast::bind_front_handler(&DesktopSession::on_deadline, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_deadline(beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;
  switch (phase_) {
    case Phase::handshake:
      if (state_->host.log().enabled(sdk::LogLevel::debug)) {
        state_->host.log().debug("closed a connection from ", peer(), ": no WebSocket upgrade within auth_timeout");
      }
      return drop();
    case Phase::auth:
      state_->auth_failures.inc();
      state_->host.log().info("closed a desktop connection from ", peer(), ": no auth message within auth_timeout");
      return refuse_auth(auth_error_text::timeout);
    case Phase::live:
      return heartbeat();
    case Phase::closing:
      return drop();
    case Phase::closed:
      return;
  }
}

template <class Stream>
void DesktopSession<Stream>::heartbeat() {
  if (sdk::now_epoch_ms() / 1000 >= token_expires_at_) {
    state_->host.log().info("closed ", user_, "'s desktop connection from ", peer(), ": its token expired");
    return refuse_auth(auth_error_text::invalid_token, "Token expired");
  }
  if (unanswered_pings_ >= state_->settings.max_missed_pongs) {
    state_->heartbeat_drops.inc();
    state_->host.log().info("dropped ", user_, "'s desktop connection from ", peer(), ": ", unanswered_pings_,
                            " heartbeats unanswered");
    return close_stalled("heartbeat not answered");
  }
  // While a replay is being written the app is busy reading it: a heartbeat
  // would only wait behind it and crowd out the live notifications held there.
  if (!backlog_) {
    ++unanswered_pings_;
    enqueue(ping_frame());
  }
  if (phase_ == Phase::live) arm_timer(state_->settings.ping_interval);
}

// ---- writing -----------------------------------------------------------------

template <class Stream>
void DesktopSession<Stream>::send_notification(std::shared_ptr<const std::string> frame, std::uint64_t id) {
  net::post(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame), id]() mutable {
    self->on_notification(std::move(frame), id);
  });
}

template <class Stream>
void DesktopSession<Stream>::on_notification(std::shared_ptr<const std::string> frame, std::uint64_t id) {
  if (phase_ != Phase::live) return;
  if (replayed_.covers(id)) return;
  enqueue_after_backlog(std::move(frame));
}

// While a replay is being written, everything else waits behind it (bounded
// like the queue), so the replay's own frames never make the queue overflow.
template <class Stream>
void DesktopSession<Stream>::enqueue_after_backlog(SendQueue::Frame frame) {
  if (!backlog_) return enqueue(std::move(frame));
  if (backlog_->held.size() >= state_->settings.send_queue_frames) {
    state_->overflow_drops.inc();
    state_->frames_dropped.inc(queue_.frames() + backlog_->held.size() + 1);
    state_->host.log().warn("disconnected ", user_, "'s desktop connection from ", peer(),
                            ": too many notifications arrived during its replay");
    return close_stalled("not reading");
  }
  backlog_->held.push_back(std::move(frame));
}

template <class Stream>
void DesktopSession<Stream>::enqueue(SendQueue::Frame frame) {
  if (phase_ == Phase::closed || stalled_) return;
  if (!queue_.push(std::move(frame))) {
    state_->overflow_drops.inc();
    state_->frames_dropped.inc(queue_.frames() + 1);
    state_->host.log().warn("disconnected ", user_.empty() ? "a client" : user_, "'s desktop connection from ", peer(),
                            ": it is not reading (", queue_.frames(), " frames, ", queue_.bytes(),
                            " bytes queued)");
    return close_stalled("not reading");
  }
  write_next();
}

template <class Stream>
void DesktopSession<Stream>::refill() {
  if (!backlog_) return;
  const auto& settings = state_->settings;
  while (queue_.frames() < settings.send_queue_frames) {
    if (backlog_->next < backlog_->replay.size()) {
      auto& notification = backlog_->replay[backlog_->next];
      auto frame = std::make_shared<const std::string>(notification_message(notification, settings.image_base_url));
      const std::string* written = frame.get();
      if (!queue_.push(std::move(frame))) return;  // the byte bound: the rest waits for the next write
      if (backlog_->pending.contains(notification.id)) backlog_->receipts.emplace_back(written, notification.id);
      notification = sdk::Notification{};
      ++backlog_->next;
    } else if (!backlog_->held.empty()) {
      // Held live frames follow the replay in arrival order, as room frees up.
      if (!queue_.push(backlog_->held.front())) return;
      backlog_->held.pop_front();
    } else {
      break;
    }
  }
  // The backlog ends once all it queued is written: until then the queue may
  // be full of replayed frames, and a live one must not count against them.
  if (queue_.empty() && backlog_->next == backlog_->replay.size() && backlog_->held.empty()) {
    backlog_.reset();
    report_receipts();
  }
}

template <class Stream>
void DesktopSession<Stream>::write_next() {
  if (writing_ || stalled_ || phase_ == Phase::closed) return;
  if (queue_.empty()) {
    if (close_when_flushed_) {
      close_when_flushed_ = false;
      writing_ = true;
      ws_.async_close(close_code_, beast::bind_front_handler(&DesktopSession::on_closed, this->shared_from_this()));
    }
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(queue_.front()),
                  beast::bind_front_handler(&DesktopSession::on_write, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (stalled_) return;
  if (ec) {
    state_->frames_dropped.inc(queue_.frames());
    if (!report_silent_peer(ec)) fail(ec, "write");
    return drop();
  }
  state_->frames_sent.inc();
  if (backlog_ && !backlog_->receipts.empty() && backlog_->receipts.front().first == &queue_.front()) {
    state_->receipts.add(user_, backlog_->receipts.front().second);
    backlog_->receipts.pop_front();
    receipts_unreported_ = true;
  }
  queue_.pop();
  refill();
  write_next();
}

// ---- closing -----------------------------------------------------------------

template <class Stream>
void DesktopSession<Stream>::close() {
  net::post(ws_.get_executor(), beast::bind_front_handler(&DesktopSession::on_close_request, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::on_close_request() {
  if (phase_ == Phase::handshake || phase_ == Phase::auth) return drop();
  if (phase_ != Phase::live) return;
  phase_ = Phase::closing;
  state_->registry.retire(this);
  backlog_.reset();
  close_code_ = ws::close_code::going_away;
  close_when_flushed_ = true;
  arm_timer(close_grace);
  write_next();
}

template <class Stream>
void DesktopSession<Stream>::close_stalled(std::string_view reason) {
  if (phase_ == Phase::closed) return;
  if (phase_ == Phase::closing) return drop();
  phase_ = Phase::closing;
  stalled_ = true;
  state_->registry.retire(this);
  backlog_.reset();
  report_receipts();
  arm_timer(stalled_close_grace);
  ws_.async_close(ws::close_reason(ws::close_code::policy_error, reason),
                  beast::bind_front_handler(&DesktopSession::on_closed, this->shared_from_this()));
}

template <class Stream>
void DesktopSession<Stream>::report_receipts() {
  if (!receipts_unreported_) return;
  receipts_unreported_ = false;
  net::post(state_->host.executor(), [state = state_, user = user_] { state->host.recipient_reachable(user); });
}

template <class Stream>
void DesktopSession<Stream>::on_closed(beast::error_code ec) {
  writing_ = false;
  if (ec) fail(ec, "close");
  drop();
}

template <class Stream>
void DesktopSession<Stream>::drop() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  state_->registry.retire(this);
  timer_.cancel();
  backlog_.reset();
  report_receipts();
  queue_.clear();
  beast::error_code ec;
  beast::get_lowest_layer(ws_).shutdown(net::socket_base::shutdown_both, ec);
  beast::get_lowest_layer(ws_).close(ec);
}

// Beast ends a live connection with `timeout` when nothing at all, not even a
// protocol pong, arrived within its idle timeout; the pending read or write
// that sees it first reports the drop.
template <class Stream>
bool DesktopSession<Stream>::report_silent_peer(const beast::error_code& ec) {
  if (ec != beast::error::timeout || phase_ != Phase::live) return false;
  state_->heartbeat_drops.inc();
  state_->host.log().info("dropped ", user_, "'s desktop connection from ", peer(), ": no answer to protocol pings");
  return true;
}

template <class Stream>
void DesktopSession<Stream>::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  auto& log = state_->host.log();
  if (!log.enabled(sdk::LogLevel::debug)) return;
  log.debug(what, " (", user_.empty() ? "unauthenticated" : user_, " from ", peer(), "): ",
            is_disconnect(ec) ? "connection ended" : ec.message());
}

template <class Stream>
std::string DesktopSession<Stream>::remote_address() const {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(ws_).remote_endpoint(ec);
  if (ec) return "an unknown address";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

template class DesktopSession<PlainWebSocket>;
template class DesktopSession<TlsWebSocket>;

}  // namespace notifyd::websocket
