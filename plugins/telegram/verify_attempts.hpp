#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Failed code entries per user in a sliding window: after `limit` failures
/// within `window`, further attempts are refused until the oldest ages out.
/// Kept in a document (`{"alice": [<unix ms>, ...]}`) so that a reload or a
/// restart does not reset the limit. Wall-clock times, for the same reason.
/// Used from the plugin's strand only.
class VerifyAttempts {
 public:
  using Clock = std::chrono::system_clock;

  VerifyAttempts(sdk::DocumentStore& store, std::string file, std::uint32_t limit, std::chrono::milliseconds window)
      : store_(store), file_(std::move(file)), limit_(limit), window_(window) {}

  /// Reads the saved failures; a missing file is none, a corrupt one is
  /// reported and then treated as none.
  sdk::Status load();
  /// True when `user` may try a code now.
  bool allowed(std::string_view user, Clock::time_point now);
  /// Records a failed attempt and saves it; the count holds in memory even when saving fails.
  sdk::Status failed(const std::string& user, Clock::time_point now);
  /// How long until `user` may try again (0 when allowed).
  std::chrono::milliseconds retry_in(std::string_view user, Clock::time_point now);

 private:
  void expire(Clock::time_point now);
  std::string serialize() const;

  sdk::DocumentStore& store_;
  std::string file_;
  std::uint32_t limit_;
  std::chrono::milliseconds window_;
  std::map<std::string, std::deque<Clock::time_point>, std::less<>> failures_;
};

}  // namespace notifyd::telegram
