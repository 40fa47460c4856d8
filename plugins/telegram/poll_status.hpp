#pragma once

#include <mutex>
#include <string>

namespace notifyd::telegram {

/// Whether getUpdates works, for the channel's health: set by the poller's
/// thread, read from any thread.
class PollStatus {
 public:
  /// Polling fails; `problem` says how (shown as the channel's last error).
  void failing(std::string problem);
  /// Polling answered.
  void working();
  /// What is wrong with polling; empty while it works.
  std::string problem() const;

 private:
  mutable std::mutex mutex_;
  std::string problem_;
};

}  // namespace notifyd::telegram
