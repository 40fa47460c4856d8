// An outbox skips a notification whose id is below one it already took, as
// paged in from the store; so the pipeline must hand committed notifications
// over in id order, even when the threads running the io_context pick up the
// store's answers at different speeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "forwarding_store.hpp"
#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;

namespace {

/// The real store, except that the thread running the first notification's
/// `committed` answer stalls before running it until the second one's has
/// run (at most `stall`): a thread the scheduler of a busy machine put aside.
class StallingStore final : public test::ForwardingStore {
 public:
  StallingStore(core::NotificationStore& store, std::chrono::milliseconds stall) : ForwardingStore(store), stall_(stall) {}

  void insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image, std::vector<std::string> channels,
              boost::asio::any_io_executor executor, InsertDone done, InsertCommitted committed) override {
    const int position = inserts_++;
    if (committed && position == 0) {
      committed = [this, committed = std::move(committed)](std::shared_ptr<const sdk::Notification> stored) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, stall_, [this] { return second_ran_; });
        lock.unlock();
        committed(std::move(stored));
      };
    } else if (committed && position == 1) {
      committed = [this, committed = std::move(committed)](std::shared_ptr<const sdk::Notification> stored) {
        committed(std::move(stored));
        std::lock_guard lock(mutex_);
        second_ran_ = true;
        changed_.notify_all();
      };
    }
    ForwardingStore::insert(std::move(notification), std::move(image), std::move(channels), std::move(executor),
                            std::move(done), std::move(committed));
  }

 private:
  std::chrono::milliseconds stall_;
  std::atomic<int> inserts_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool second_ran_ = false;
};

/// Runs the io_context on `count` threads of its own until destroyed.
class LoopThreads {
 public:
  LoopThreads(boost::asio::io_context& io, int count) : io_(io), work_(io.get_executor()) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~LoopThreads() {
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

 private:
  boost::asio::io_context& io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE("notifications accepted back to back are all delivered, in order, when a loop thread stalls") {
  test::TestServices services;
  StallingStore store(*services.store, 1s);
  test::ScriptedChannel channel;
  core::Pipeline pipeline(services.io, store, services.settings, services.users, services.log, services.metrics);
  pipeline.add_channel("bot", channel, boost::asio::make_strand(services.io));
  pipeline.start();
  LoopThreads loop(services.io, 2);

  std::mutex mutex;
  std::vector<std::uint64_t> accepted;
  boost::asio::post(services.io, [&] {
    for (const char* message : {"first", "second"}) {
      sdk::PublishRequest request;
      request.notification.user = "alice";
      request.notification.message = message;
      pipeline.publish(std::move(request), [&](sdk::PublishOutcome outcome) {
        std::lock_guard lock(mutex);
        accepted.push_back(outcome.id);
      });
    }
  });
  REQUIRE(eventually([&] {
    std::lock_guard lock(mutex);
    return accepted.size() == 2 && channel.delivered().size() >= 2;
  }));
  std::sort(accepted.begin(), accepted.end());
  CHECK(channel.delivered() == accepted);
  pipeline.stop([] {});
}
