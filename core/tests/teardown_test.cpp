// The host's services torn down the way the daemon tears them down, while
// the store's writer is in the middle of a batch: nothing may run on freed
// memory (ASan), every completion runs on the loop's threads (never on the
// store's writer), and whatever was answered "accepted" is in the store.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/post.hpp>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using test::ScriptedChannel;
using test::TempDir;
using test::TestServices;

namespace {

// One check, "quick", whose every run notifies at once.
class QuickChecks final : public sdk::CheckProvider {
 public:
  std::vector<sdk::CheckDefinition> list_checks() noexcept override {
    sdk::CheckDefinition definition;
    definition.name = "quick";
    definition.user = "alice";
    definition.timeout = std::chrono::seconds(5);
    definition.origin = "test:quick";
    return {definition};
  }
  void execute(const sdk::CheckDefinition&, std::uint64_t, std::function<void(sdk::CheckExecution)> done) noexcept override {
    sdk::CheckExecution execution;
    execution.status = sdk::CheckExecution::Status::exited;
    execution.exit_code = 0;
    execution.output = R"({"notify": true, "message": "quick check"})";
    done(std::move(execution));
  }
};

struct Answers {
  std::mutex mutex;
  std::vector<std::uint64_t> accepted;
  std::atomic<int> count{0};
  std::set<std::thread::id> io_threads;
  std::atomic<int> off_the_loop{0};  ///< callbacks that ran on a thread other than the loop's

  void answered_here() {
    std::lock_guard lock(mutex);
    if (!io_threads.contains(std::this_thread::get_id())) ++off_the_loop;
    ++count;
  }
};

// One daemon's life in miniature: two threads run the loop, requests and
// check runs go in, the loop stops after `stop_after` answers, and the
// services are destroyed with the writer still busy.
void live_and_tear_down(const std::filesystem::path& data, int stop_after, Answers& answers) {
  ScriptedChannel channel;
  QuickChecks checks;
  auto services = std::make_unique<TestServices>(test::made_up_recipients(), data);
  services->checks->add_provider("test", checks);
  auto host = services->host("bot", sdk::Kind::channel);
  services->pipeline->add_channel("bot", channel, host->executor());
  services->pipeline->start();
  auto work = boost::asio::make_work_guard(services->io);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(answers.mutex);
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&] { services->io.run(); });
      answers.io_threads.insert(threads.back().get_id());
    }
  }

  for (int i = 0; i < 60; ++i) {
    boost::asio::post(services->io, [&, i] {
      sdk::PublishRequest request;
      request.notification.user = "alice";
      request.notification.message = "message " + std::to_string(i);
      services->pipeline->publish(std::move(request), [&](sdk::PublishOutcome outcome) {
        if (outcome.code == sdk::PublishOutcome::Code::accepted) {
          std::lock_guard lock(answers.mutex);
          answers.accepted.push_back(outcome.id);
        }
        answers.answered_here();
      });
    });
  }
  for (int i = 0; i < 5; ++i) {
    boost::asio::post(services->io, [&] {
      services->checks->run("alice", "quick", "test", [&](core::RunResult) { answers.answered_here(); });
    });
  }
  while (answers.count.load() < stop_after) std::this_thread::yield();
  work.reset();
  services->io.stop();
  for (auto& thread : threads) thread.join();
  host.reset();
  services.reset();
}

}  // namespace

TEST_CASE("destroying the services while a batch is being synced runs nothing on freed memory") {
  for (int round = 0; round < 200; ++round) {
    TempDir data;
    Answers answers;
    live_and_tear_down(data.path(), round % 20, answers);

    core::LogSink sink;
    core::PrefixedLogger log(sink, "test");
    core::SqliteNotificationStore reopened(data.path(), log);
    REQUIRE(reopened.open().ok);
    CHECK(answers.off_the_loop == 0);
    std::lock_guard lock(answers.mutex);
    for (auto id : answers.accepted) {
      INFO("round " << round << ", notification " << id);
      CHECK(reopened.find(id).ok());
    }
  }
}
