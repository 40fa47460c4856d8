#include "update_poller.hpp"

#include "bot_requests.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

constexpr auto first_backoff = 1s;
constexpr auto longest_backoff = 60s;
constexpr auto conflict_backoff = 5s;

}  // namespace

UpdatePoller::UpdatePoller(BotEndpoint endpoint, std::chrono::milliseconds poll_timeout, std::int64_t offset,
                           sdk::Logger& log, PollStatus& status, Handler handle, IdentityHandler identify)
    : endpoint_(endpoint),
      poll_timeout_(poll_timeout),
      offset_(offset),
      log_(log),
      status_(status),
      handle_(std::move(handle)),
      identify_(std::move(identify)),
      client_(std::move(endpoint)) {}

UpdatePoller::~UpdatePoller() { stop(); }

void UpdatePoller::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    sdk::name_this_thread("tg-poller");
    run();
  });
}

void UpdatePoller::stop() {
  std::lock_guard one_at_a_time(stop_mutex_);
  std::shared_ptr<Acknowledgement> waiting;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    waiting = waiting_;
  }
  wake_.notify_all();
  if (waiting) {
    std::lock_guard lock(waiting->mutex);
    waiting->done.notify_all();
  }
  client_.interrupt();
  if (thread_.joinable()) thread_.join();
}

bool UpdatePoller::sleep_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [&] { return stopping_.load(); });
}

bool UpdatePoller::identify() {
  const ApiReply reply = client_.call("getMe", "{}");
  if (!reply.ok) {
    if (!reply.interrupted && !getme_failed_) log_.warn("getMe failed: ", reply.summary());
    getme_failed_ = true;
    return false;
  }
  const auto* result = reply.result();
  const auto username = result ? sdk::json_string(*result, "username") : std::nullopt;
  log_.info("connected to the Bot API as @", username.value_or("(no username)"));
  if (username && identify_) identify_(*username);
  return true;
}

void UpdatePoller::report_failure(const ApiReply& reply, std::chrono::milliseconds backoff) {
  std::string text;
  const bool unreachable = !reply.transport_error.empty() || reply.error_code >= 500 || reply.error_code == 429;
  if (reply.error_code == 409) {
    text = "another instance or a webhook is using this token (getUpdates: " + reply.summary() + ")";
  } else if (reply.error_code == 401 || reply.error_code == 404) {
    text = "the Bot API refused the token (getUpdates: " + reply.summary() + "); check token_env / token_file";
  } else {
    text = "getUpdates failed: " + reply.summary();
  }
  // A repeated failure is logged again only when it changes or the backoff is at its longest.
  if (text != last_failure_ || backoff >= longest_backoff) {
    log_.warn(text, "; retrying in ", backoff.count() / 1000, " s");
  }
  status_.failing(text, unreachable);
  last_failure_ = std::move(text);
}

void UpdatePoller::run() {
  const long timeout_seconds = static_cast<long>(poll_timeout_.count() / 1000);
  const auto call_timeout = poll_timeout_ + endpoint_.request_timeout;
  bool identified = false;
  std::chrono::milliseconds backoff = first_backoff;
  while (true) {
    if (stopping_) return;
    if (!identified) identified = identify();
    // After a failure the first poll answers at once, so health is "ok" as soon as the API is back.
    const bool quick = !last_failure_.empty();
    const ApiReply reply = client_.call("getUpdates", get_updates_body(offset_, quick ? 0 : timeout_seconds),
                                        quick ? endpoint_.request_timeout : call_timeout);
    if (reply.interrupted) return;
    if (!reply.ok) {
      std::chrono::milliseconds wait = backoff;
      if (reply.error_code == 409) wait = std::max<std::chrono::milliseconds>(wait, conflict_backoff);
      if (reply.retry_after) wait = std::max<std::chrono::milliseconds>(wait, *reply.retry_after);
      report_failure(reply, wait);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, longest_backoff);
      if (!sleep_for(wait)) return;
      continue;
    }
    if (!last_failure_.empty()) {
      log_.info("getUpdates works again");
      last_failure_.clear();
      status_.working();
    }
    backoff = first_backoff;
    UpdateBatch batch = parse_updates(reply.result(), offset_);
    if (batch.updates.empty()) {
      offset_ = batch.next_offset;
      if (timeout_seconds == 0 && !sleep_for(1s)) return;
      continue;
    }
    auto ack = std::make_shared<Acknowledgement>();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      waiting_ = ack;
    }
    handle_(std::move(batch), [ack](std::optional<std::int64_t> offset) {
      std::lock_guard lock(ack->mutex);
      ack->answered = true;
      ack->offset = offset;
      ack->done.notify_all();
    });
    {
      std::unique_lock lock(ack->mutex);
      ack->done.wait(lock, [&] { return ack->answered || stopping_.load(); });
    }
    {
      std::lock_guard lock(mutex_);
      waiting_.reset();
    }
    std::optional<std::int64_t> next;
    {
      std::lock_guard ack_lock(ack->mutex);
      if (!ack->answered || !ack->offset) return;
      next = ack->offset;
    }
    if (*next == offset_) {
      if (!sleep_for(backoff)) return;
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, longest_backoff);
      continue;
    }
    offset_ = *next;
  }
}

}  // namespace notifyd::telegram
