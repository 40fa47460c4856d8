#include "fair_scheduler.hpp"

#include <algorithm>
#include <iterator>

namespace notifyd::telegram {
namespace {

using namespace std::chrono_literals;

// A handed-back delivery that has not come back this long after it was due
// has gone elsewhere (expired, unlinked); it no longer holds its place.
constexpr auto stale_after = 60s;
constexpr auto shortest_hand_back = 200ms;
constexpr auto idle_chat_lifetime = 10min;

std::chrono::milliseconds ceil_ms(FairScheduler::Clock::duration d) {
  return std::chrono::ceil<std::chrono::milliseconds>(d);
}

}  // namespace

FairScheduler::FairScheduler(RateLimits limits, TimePoint start, std::chrono::milliseconds hold_window)
    : limits_(limits), hold_window_(hold_window), global_(limits.global_rate, limits.global_burst, start, TokenBucket::Lateness::made_up),
      last_cleanup_(start) {}

FairScheduler::ChatState& FairScheduler::chat_state(std::int64_t chat, TimePoint now) {
  auto found = chats_.find(chat);
  if (found == chats_.end()) {
    const double rate = chat < 0 ? limits_.group_rate : limits_.per_chat_rate;
    found = chats_.emplace(chat, ChatState{TokenBucket(rate, limits_.per_chat_burst, now), {}, {}, false, false, now})
                .first;
  }
  found->second.last_used = std::max(found->second.last_used, now);
  return found->second;
}

std::optional<std::chrono::milliseconds> FairScheduler::admit(std::int64_t chat, std::uint64_t ticket, TimePoint now) {
  ChatState& state = chat_state(chat, now);
  std::erase_if(state.handed_back, [&](const auto& entry) { return entry.second + stale_after < now; });
  state.handed_back.erase(ticket);
  const auto ahead = static_cast<std::size_t>(
      std::distance(state.handed_back.begin(), state.handed_back.lower_bound(ticket)));
  const double position = static_cast<double>(state.jobs.size() + ahead);
  const auto eta = state.bucket.time_until(position + 1, now);
  // While the global queue is longer than a quarter of the window, a chat
  // keeps one job here, so the pipeline's in-flight slots go round all chats.
  const auto global_wait = global_.time_until(static_cast<double>(pending_) + 1, now);
  const bool congested = global_wait > hold_window_ / 4;
  if (ahead == 0 && eta <= hold_window_ && (state.jobs.empty() || !congested)) return std::nullopt;
  const auto wait = std::max(eta, congested ? global_wait : Clock::duration::zero());
  const auto delay = std::max(ceil_ms(wait) - hold_window_ / 2, std::chrono::milliseconds(shortest_hand_back));
  // Keep the chat's order: a later ticket never comes back before an earlier one.
  auto back_at = now + delay;
  if (!state.handed_back.empty()) {
    const auto before = state.handed_back.lower_bound(ticket);
    if (before != state.handed_back.begin()) back_at = std::max(back_at, std::prev(before)->second + 1ms);
  }
  state.handed_back[ticket] = back_at;
  return ceil_ms(back_at - now);
}

void FairScheduler::push(std::int64_t chat, std::uint64_t job, TimePoint now) {
  ChatState& state = chat_state(chat, now);
  state.jobs.push_back(job);
  ++pending_;
  if (!state.in_ring) {
    state.in_ring = true;
    ring_.push_back(chat);
  }
}

std::variant<FairScheduler::Grant, FairScheduler::Wait, FairScheduler::Idle> FairScheduler::next(TimePoint now) {
  forget_idle_chats(now);
  std::optional<Clock::duration> soonest;
  for (auto it = ring_.begin(); it != ring_.end(); ++it) {
    ChatState& state = chats_.at(*it);
    if (state.busy || state.jobs.empty()) continue;
    if (state.bucket.available(now) < 1.0) {
      const auto wait = state.bucket.time_until(1, now);
      soonest = soonest ? std::min(*soonest, wait) : wait;
      continue;
    }
    if (global_.available(now) < 1.0) return Wait{std::max<Clock::duration>(global_.time_until(1, now), 1ms)};
    state.bucket.try_take(now);
    global_.try_take(now);
    state.busy = true;
    state.last_used = now;
    const Grant grant{*it, state.jobs.front()};
    ring_.splice(ring_.end(), ring_, it);
    return grant;
  }
  if (soonest) return Wait{std::max<Clock::duration>(*soonest, 1ms)};
  return Idle{};
}

void FairScheduler::release(std::int64_t chat, bool job_finished, TimePoint now) {
  auto found = chats_.find(chat);
  if (found == chats_.end()) return;
  ChatState& state = found->second;
  state.busy = false;
  state.last_used = std::max(state.last_used, now);
  if (job_finished && !state.jobs.empty()) {
    state.jobs.pop_front();
    --pending_;
  }
  if (state.jobs.empty() && state.in_ring) {
    state.in_ring = false;
    ring_.remove(chat);
  }
}

void FairScheduler::hold(std::int64_t chat, TimePoint until) {
  chat_state(chat, until).bucket.hold_until(until);
}

std::vector<std::uint64_t> FairScheduler::drain() {
  std::vector<std::uint64_t> drained;
  for (auto& [chat, state] : chats_) {
    const std::size_t keep = state.busy && !state.jobs.empty() ? 1 : 0;
    while (state.jobs.size() > keep) {
      drained.push_back(state.jobs.back());
      state.jobs.pop_back();
      --pending_;
    }
    if (state.jobs.empty() && state.in_ring) {
      state.in_ring = false;
      ring_.remove(chat);
    }
  }
  return drained;
}

void FairScheduler::forget_idle_chats(TimePoint now) {
  if (now - last_cleanup_ < 1min) return;
  last_cleanup_ = now;
  std::erase_if(chats_, [&](const auto& entry) {
    const ChatState& state = entry.second;
    return !state.busy && state.jobs.empty() && state.handed_back.empty() && state.bucket.full(now) &&
           now - state.last_used > idle_chat_lifetime;
  });
}

}  // namespace notifyd::telegram
