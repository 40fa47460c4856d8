#pragma once
// A timer with a wall-clock (system_clock) deadline: a Linux timerfd on
// CLOCK_REALTIME with an absolute expiry, waited on through Asio. Unlike a
// relative timer it fires on time after the clock is set or the machine
// resumes from suspend, and it also wakes when the clock is set, so the
// caller can re-evaluate.

#include <chrono>
#include <functional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include "notifyd/sdk/status.hpp"

namespace notifyd::cron {

/// One wall-clock timer. Use from one strand.
class WallClockTimer {
 public:
  /// Creates the timerfd; `ok()` tells whether that worked.
  explicit WallClockTimer(boost::asio::any_io_executor executor);
  WallClockTimer(const WallClockTimer&) = delete;
  WallClockTimer& operator=(const WallClockTimer&) = delete;

  /// Empty when the timer works, else why it does not.
  const sdk::Status& status() const noexcept { return status_; }

  /// Arms the timer for `deadline` (a past deadline fires at once) and calls
  /// `handler` once: with no error when the deadline passed or the clock was
  /// set, with `operation_aborted` after `cancel()`.
  void async_wait_until(std::chrono::system_clock::time_point deadline,
                        std::function<void(boost::system::error_code)> handler);

  /// Aborts a pending wait.
  void cancel() noexcept;

 private:
  void drain() noexcept;

  boost::asio::posix::stream_descriptor descriptor_;
  sdk::Status status_;
};

}  // namespace notifyd::cron
