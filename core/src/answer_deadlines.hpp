#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::core {

/// Answers every caller of `publish` within `limit`, even when the store
/// does not answer (a database that stopped answering): each waiting
/// caller hears the store's answer or, once `limit` has passed,
/// `unavailable`, whichever comes first, and only that one. A notification
/// whose store answer comes too late is still stored and delivered; its
/// sender, told to try again, may send it twice (at least once).
///
/// Threads: `watch` from any thread; the answers and the timer run on `executor`.
class AnswerDeadlines {
 public:
  using Done = std::function<void(sdk::PublishOutcome)>;
  /// Called (on `executor`) with the id the store gave a notification whose
  /// caller was already answered `unavailable`.
  using StoredLate = std::function<void(std::uint64_t id)>;

  AnswerDeadlines(boost::asio::any_io_executor executor, std::chrono::milliseconds limit, StoredLate stored_late = {});
  AnswerDeadlines(const AnswerDeadlines&) = delete;
  AnswerDeadlines& operator=(const AnswerDeadlines&) = delete;

  /// `done`, answered by the returned callback or by the deadline. The
  /// returned callback must be called on the executor.
  Done watch(Done done);
  /// Stops the timer (before the executor stops running); callers still
  /// waiting are answered by the store alone.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiting {
    Clock::time_point deadline;
    Done done;  ///< empty once answered
  };

  void arm();
  void expire();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds limit_;
  StoredLate stored_late_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Waiting>> waiting_;  ///< in deadline order; guarded by mutex_
  bool armed_ = false;                            ///< guarded by mutex_
  bool stopped_ = false;                          ///< guarded by mutex_
};

}  // namespace notifyd::core
