#pragma once

#include <mutex>
#include <string>

namespace notifyd::telegram {

/// Whether the Bot API works, for the channel's health: set by the poller's
/// and the senders' threads, read from any thread.
class PollStatus {
 public:
  /// Polling fails; `problem` says how (shown as the channel's last error).
  /// `unreachable`: the API itself did not answer usefully (network, 5xx),
  /// so any request that succeeds later ends the problem.
  void failing(std::string problem, bool unreachable);
  /// Polling answered.
  void working();
  /// Some Bot API request succeeded: an unreachable API is back.
  void reached();
  /// What is wrong with polling; empty while it works.
  std::string problem() const;

 private:
  mutable std::mutex mutex_;
  std::string problem_;
  bool unreachable_ = false;
};

}  // namespace notifyd::telegram
