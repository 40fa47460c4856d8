#pragma once
// The writer thread of a notification store: writes queue up while a batch
// commits, and the next batch takes all of them (group commit). The store
// says how a batch commits; the writer owns the thread, the queue, the
// answers and the rule that one bad write must not fail its neighbours.

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"
#include "notifyd/sdk/thread_name.hpp"

namespace notifyd::core {

/// What a write carries besides the store's own `apply`.
struct StoreWriteAnswer {
  boost::asio::any_io_executor executor;  ///< where `done` and `committed` are posted
  std::function<void(sdk::Status)> done;  ///< after the batch is durable, or on failure
  std::function<void()> committed;        ///< after the commit, before it is durable
  std::string what;                       ///< logged when it fails and there is no `done`
};

/// The answer of a notification insert, the same in every store: `done` and
/// `committed` get `stored`; when the insert fails, the image file it may
/// have written is removed first.
inline StoreWriteAnswer notification_insert_answer(
    std::shared_ptr<sdk::Notification> stored, boost::asio::any_io_executor executor,
    std::function<void(sdk::Status, std::shared_ptr<const sdk::Notification>)> done,
    std::function<void(std::shared_ptr<const sdk::Notification>)> committed) {
  StoreWriteAnswer answer;
  answer.executor = std::move(executor);
  answer.done = [stored, done = std::move(done)](sdk::Status status) {
    if (!status && !stored->image_path.empty()) {
      std::error_code ignored;
      std::filesystem::remove(stored->image_path, ignored);
    }
    done(std::move(status), stored);
  };
  if (committed) answer.committed = [stored, committed = std::move(committed)] { committed(stored); };
  answer.what = "store a notification";
  return answer;
}

/// How a batch ended: `status`, and whether its writes should each be tried
/// alone (the transaction failed; a failure after the commit is final).
struct BatchOutcome {
  sdk::Status status;
  bool retry_alone = false;
};

/// `Write` derives from StoreWriteAnswer and adds what the store applies.
template <class Write>
class StoreWriter {
 public:
  /// `commit` runs on the writer thread: applies a batch in one transaction,
  /// posts each write's `committed` once it commits (`post_committed`), and
  /// says how it ended.
  StoreWriter(sdk::Logger& log, std::function<BatchOutcome(std::vector<Write>&)> commit)
      : log_(log), commit_(std::move(commit)) {}
  ~StoreWriter() { close(); }
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void start() {
    thread_ = std::thread([this] {
      sdk::name_this_thread("store-writer");
      run();
    });
  }

  /// Commits what is queued, then stops the thread. Idempotent.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  /// Queues `write`; `numbered` (optional) runs first under the queue's lock,
  /// so what it assigns (an id) follows queue order. Once closed the write is
  /// answered "the store is closed" and `numbered` does not run.
  void push(Write write, const std::function<void(Write&)>& numbered = {}) {
    {
      std::lock_guard lock(mutex_);
      if (!closing_) {
        if (numbered) numbered(write);
        queue_.push_back(std::move(write));
        ready_.notify_one();
        return;
      }
    }
    finish(write, sdk::Status::failure("the store is closed"));
  }

  /// Posts every write's `committed` callback.
  static void post_committed(std::vector<Write>& batch) {
    for (auto& write : batch) {
      if (write.committed) boost::asio::post(write.executor, std::move(write.committed));
    }
  }

 private:
  void run() {
    std::vector<Write> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch.swap(queue_);
      }
      commit(batch);
      batch.clear();
    }
  }

  void commit(std::vector<Write>& batch) {
    const BatchOutcome outcome = commit_(batch);
    if (outcome.status || !outcome.retry_alone || batch.size() == 1) {
      if (!outcome.status && batch.size() == 1) log_.error("store write failed: ", outcome.status.message);
      const sdk::Status answer =
          outcome.status ? outcome.status : sdk::Status::failure("cannot store: " + outcome.status.message);
      for (auto& write : batch) finish(write, answer);
      return;
    }
    for (auto& write : batch) {
      std::vector<Write> alone;
      alone.push_back(std::move(write));
      commit(alone);
    }
  }

  void finish(Write& write, sdk::Status status) {
    if (!write.done) {
      if (!status) log_.error("cannot ", write.what, ": ", status.message);
      return;
    }
    boost::asio::post(write.executor, [done = std::move(write.done), status = std::move(status)] { done(status); });
  }

  sdk::Logger& log_;
  std::function<BatchOutcome(std::vector<Write>&)> commit_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Write> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace notifyd::core
