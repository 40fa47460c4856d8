#include "verify_attempts.hpp"

#include <algorithm>

namespace notifyd::telegram {

void VerifyAttempts::expire(Clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    auto& times = it->second;
    while (!times.empty() && now - times.front() >= window_) times.pop_front();
    it = times.empty() ? failures_.erase(it) : std::next(it);
  }
}

bool VerifyAttempts::allowed(std::string_view user, Clock::time_point now) {
  expire(now);
  const auto found = failures_.find(user);
  return found == failures_.end() || found->second.size() < limit_;
}

void VerifyAttempts::failed(const std::string& user, Clock::time_point now) {
  expire(now);
  auto& times = failures_[user];
  times.push_back(now);
  while (times.size() > limit_) times.pop_front();
}

std::chrono::milliseconds VerifyAttempts::retry_in(std::string_view user, Clock::time_point now) {
  if (allowed(user, now)) return std::chrono::milliseconds{0};
  const auto& times = failures_.find(user)->second;
  return std::chrono::ceil<std::chrono::milliseconds>(times.front() + window_ - now);
}

}  // namespace notifyd::telegram
