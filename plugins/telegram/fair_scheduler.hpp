#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <unordered_map>
#include <variant>
#include <vector>

#include "telegram_settings.hpp"
#include "token_bucket.hpp"

namespace notifyd::telegram {

/// Decides which chat's message goes out next: each chat has a token bucket
/// (private and group chats have their own rates), all share a global one,
/// and chats with work take turns (round-robin), so one user's flood does not
/// delay the others. A chat has at most one message in flight, so its
/// messages keep their order. A job is one delivery or reply: a queue entry
/// that may need several messages, granted one message at a time.
///
/// It also keeps the pipeline's in-flight slots for chats that can send soon:
/// `admit` hands a delivery back (with a delay) when its chat is backlogged.
///
/// Not thread-safe (the sender guards it); every call takes the time, so
/// tests drive it with a fake clock.
class FairScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  /// A message of `job` may go to `chat` now; the caller reports back with `release`.
  struct Grant {
    std::int64_t chat;
    std::uint64_t job;
  };
  /// Nothing may go out before `duration` has passed (or new work arrives).
  struct Wait {
    Clock::duration duration;
  };
  /// Nothing is queued, or every chat with work has a message in flight.
  struct Idle {};

  /// `hold_window`: a delivery whose chat can take it within this time is
  /// queued here; one that would wait longer is handed back.
  /// `start` is the time the global bucket starts full at.
  FairScheduler(RateLimits limits, TimePoint start,
                std::chrono::milliseconds hold_window = std::chrono::seconds(2));

  /// Whether the delivery `ticket` (a notification id) for `chat` should be
  /// queued now (nullopt) or handed back to wait the returned delay first:
  /// queued when the chat can take it within the hold window, and, while the
  /// global queue is longer than a quarter of that, only when the chat has
  /// nothing queued.
  /// A chat's handed-back deliveries come back in ticket order.
  std::optional<std::chrono::milliseconds> admit(std::int64_t chat, std::uint64_t ticket, TimePoint now);
  /// Queues `job` behind `chat`'s other jobs.
  void push(std::int64_t chat, std::uint64_t job, TimePoint now);
  /// The next message to send, or how long to wait.
  std::variant<Grant, Wait, Idle> next(TimePoint now);
  /// The granted message of `chat` is done. `job_finished` removes the job;
  /// otherwise its next message is the chat's next grant.
  void release(std::int64_t chat, bool job_finished, TimePoint now);
  /// Telegram asked to wait: nothing goes to `chat` before `until`.
  void hold(std::int64_t chat, TimePoint until);
  /// Removes every queued job that has no message in flight; returns them.
  std::vector<std::uint64_t> drain();
  /// Jobs queued or in flight.
  std::size_t pending() const noexcept { return pending_; }

 private:
  struct ChatState {
    TokenBucket bucket;
    std::deque<std::uint64_t> jobs;
    std::map<std::uint64_t, TimePoint> handed_back;  ///< ticket → when it should come back
    bool busy = false;
    bool in_ring = false;
    TimePoint last_used;
  };

  ChatState& chat_state(std::int64_t chat, TimePoint now);
  void forget_idle_chats(TimePoint now);

  RateLimits limits_;
  std::chrono::milliseconds hold_window_;
  TokenBucket global_;
  std::unordered_map<std::int64_t, ChatState> chats_;
  std::list<std::int64_t> ring_;  ///< chats with queued jobs, in turn order
  std::size_t pending_ = 0;
  TimePoint last_cleanup_{};
};

}  // namespace notifyd::telegram
