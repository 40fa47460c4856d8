#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace notifyd::telegram {

/// Failed code entries per user in a sliding window: after `limit` failures
/// within `window`, further attempts are refused until the oldest ages out.
/// In memory (a restart forgets them); used from the plugin's strand only.
class VerifyAttempts {
 public:
  using Clock = std::chrono::steady_clock;

  VerifyAttempts(std::uint32_t limit, std::chrono::milliseconds window) : limit_(limit), window_(window) {}

  /// True when `user` may try a code now.
  bool allowed(std::string_view user, Clock::time_point now);
  /// Records a failed attempt.
  void failed(const std::string& user, Clock::time_point now);
  /// How long until `user` may try again (0 when allowed).
  std::chrono::milliseconds retry_in(std::string_view user, Clock::time_point now);

 private:
  void expire(Clock::time_point now);

  std::uint32_t limit_;
  std::chrono::milliseconds window_;
  std::map<std::string, std::deque<Clock::time_point>, std::less<>> failures_;
};

}  // namespace notifyd::telegram
