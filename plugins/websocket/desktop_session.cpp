#include "desktop_session.hpp"

#include <algorithm>
#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "jwt.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "replay.hpp"
#include "replica_sync.hpp"
#include "server_message.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;

// How long a connection being closed (stop, auth refusal) may take to flush and close.
constexpr std::chrono::milliseconds close_grace{2000};
// How long a client that stopped reading has to take its close frame.
constexpr std::chrono::milliseconds stalled_close_grace{5000};
// A read buffer larger than this is released after the message is handled.
constexpr std::size_t keep_read_capacity = 1024;
// Largest message before auth: the auth message (a token of at most 4 KiB),
// so an unauthenticated connection cannot make its read buffer grow further.
constexpr std::size_t auth_message_limit = 8 * 1024;

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
DesktopSession<Stream>::DesktopSession(std::shared_ptr<ServerState> state, typename Stream::next_layer_type&& stream,
                                       std::string peer)
    : ws_(std::move(stream)),
      timer_(ws_.get_executor()),
      state_(std::move(state)),
      queue_(state_->settings.send_queue_frames, state_->settings.send_queue_bytes),
      peer_(std::move(peer)) {}

template <class Stream>
DesktopSession<Stream>::~DesktopSession() {
  release_slot();
  state_->registry.closed(this);
}

template <class Stream>
void DesktopSession<Stream>::run(http::request<http::string_body> request) {
  net::dispatch(ws_.get_executor(),
                beast::bind_front_handler(&DesktopSession::start, this->shared_from_this(),
                                          std::make_shared<http::request<http::string_body>>(std::move(request))));
}

// ---- the WebSocket handshake -------------------------------------------------

template <class Stream>
void DesktopSession<Stream>::start(std::shared_ptr<http::request<http::string_body>> request) {
  // The handshake and the auth message must fit in auth_timeout.
  arm_timer(state_->settings.auth_timeout);
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
  ws_.async_accept(*request, [self = this->shared_from_this(), request](beast::error_code ec) { self->on_accept(ec); });
}

template <class Stream>
void DesktopSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    fail(ec, "accept");
    return drop();
  }
  if (phase_ != Phase::handshake) return;
  phase_ = Phase::auth;
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
    // Beast hands a timeout to the first operation it ends and aborts the
    // other: a write in flight reports why the connection ended.
    if (ec == net::error::operation_aborted && writing_ && phase_ == Phase::live) return;
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
  if (state_->registry.connections_of(claims->subject) >= state_->settings.max_connections_per_user) {
    return refuse_too_many(claims->subject);
  }
  phase_ = Phase::claiming;
  // The slot is taken on the plugin's executor (a database round trip with
  // replicas), then the session goes on on its strand.
  net::post(state_->host.executor(), [self = this->shared_from_this(), claims = std::move(claims).value(),
                                      since = message.since]() mutable {
    auto slot = self->state_->slots.claim(claims.subject);
    net::post(self->ws_.get_executor(), [self, claims = std::move(claims), since, slot = std::move(slot)]() mutable {
      self->finish_auth(std::move(claims), since, std::move(slot));
    });
  });
}

template <class Stream>
void DesktopSession<Stream>::finish_auth(JwtClaims claims, std::optional<std::uint64_t> since,
                                         sdk::Result<std::optional<std::string>> slot) {
  auto& log = state_->host.log();
  if (slot && slot.value()) slot_ = std::move(*slot.value());
  if (phase_ != Phase::claiming) return release_slot();
  phase_ = Phase::auth;
  if (!slot) {
    log.warn("cannot check ", claims.subject, "'s connections on the other replicas (", slot.error(),
             "): only this replica's are counted");
  } else if (!slot.value()) {
    return refuse_too_many(claims.subject);
  }
  if (!state_->registry.authenticate(this, claims.subject)) {
    release_slot();
    return refuse_too_many(claims.subject);
  }
  user_ = std::move(claims.subject);
  token_expires_at_ = claims.expires_at;
  phase_ = Phase::live;
  ws_.read_message_max(state_->settings.max_frame);
  state_->remember_token(user_, claims.expires_at);
  if (log.enabled(sdk::LogLevel::debug)) log.debug(user_, " connected from ", peer());
  arm_timer(state_->settings.ping_interval);
  // From the plugin's executor, where `deliver` runs: every attempt that
  // found no connection has been reported to the outbox before this.
  net::post(state_->host.executor(), [state = state_, user = user_] { state->host.recipient_reachable(user); });
  if (auto sync = state_->sync.lock()) sync->user_connected(user_);
  if (since) return replay_since(*since);
  enqueue(std::make_shared<const std::string>(auth_ok_message(user_, std::nullopt)));
}

template <class Stream>
void DesktopSession<Stream>::refuse_too_many(const std::string& user) {
  state_->auth_failures.inc();
  state_->host.log().info("refused a desktop connection of ", user, " from ", peer(), ": already ",
                          state_->settings.max_connections_per_user, " connections");
  refuse_auth(auth_error_text::too_many_connections,
              "at most " + std::to_string(state_->settings.max_connections_per_user) + " connections per user");
}

template <class Stream>
void DesktopSession<Stream>::release_slot() {
  if (slot_.empty()) return;
  net::post(state_->host.executor(), [state = state_, slot = std::exchange(slot_, {})] { state->slots.release(slot); });
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
        state_->host.log().debug("closed a connection from ", peer(), ": no WebSocket handshake within auth_timeout");
      }
      return drop();
    case Phase::auth:
    case Phase::claiming:
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
  if (phase_ == Phase::handshake || phase_ == Phase::auth || phase_ == Phase::claiming) return drop();
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
  release_slot();
  timer_.cancel();
  backlog_.reset();
  report_receipts();
  queue_.clear();
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(net::socket_base::shutdown_both, ec);
  beast::get_lowest_layer(ws_).close();
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

template class DesktopSession<PlainWebSocket>;
template class DesktopSession<TlsWebSocket>;

}  // namespace notifyd::websocket
