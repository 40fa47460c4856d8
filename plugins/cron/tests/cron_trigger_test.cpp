// The trigger in a real io_context with a fake host: timers, runs, the state
// document and shutdown.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cron_state.hpp"
#include "cron_trigger.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/plugin_config.hpp"

using namespace notifyd;
using namespace notifyd::cron;

namespace {

sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides) {
  return notifyd::testing::plugin_config(describe_cron_settings, overrides);
}

struct RunCall {
  std::string user;
  std::string name;
  std::string trigger;
  std::int64_t at_ms;
};

// Lists the checks a test sets and records runs; answers at once unless held.
class FakeChecks : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view) const noexcept override {
    std::lock_guard lock(mutex_);
    std::vector<sdk::CheckStatus> out;
    for (const auto& definition : definitions) {
      out.emplace_back().definition = definition;
    }
    for (const auto& definition : elsewhere) {
      auto& status = out.emplace_back();
      status.definition = definition;
      status.host_group = "other";
      status.elsewhere = true;
    }
    return out;
  }
  void run(std::string_view user, std::string_view name, std::string trigger,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    std::unique_lock lock(mutex_);
    calls.push_back({std::string(user), std::string(name), trigger, sdk::now_epoch_ms()});
    sdk::RunRecord record;
    record.check = std::string(name);
    record.user = std::string(user);
    record.trigger = trigger;
    record.outcome = "quiet";
    if (hold) {
      held.push_back([done, record] { done(record); });
      return;
    }
    lock.unlock();
    done(record);
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view, std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view user, std::string_view name, std::int64_t at_ms) noexcept override {
    std::lock_guard lock(mutex_);
    next_runs[std::string(user) + "/" + std::string(name)] = at_ms;
  }

  void set(std::vector<sdk::CheckDefinition> list) {
    std::lock_guard lock(mutex_);
    definitions = std::move(list);
  }
  /// Checks only another host group has, listed as `elsewhere`.
  void set_elsewhere(std::vector<sdk::CheckDefinition> list) {
    std::lock_guard lock(mutex_);
    elsewhere = std::move(list);
  }
  std::vector<RunCall> run_calls() const {
    std::lock_guard lock(mutex_);
    return calls;
  }
  std::optional<std::int64_t> next_run(const std::string& key) const {
    std::lock_guard lock(mutex_);
    const auto found = next_runs.find(key);
    if (found == next_runs.end()) return std::nullopt;
    return found->second;
  }
  void release_held() {
    std::vector<std::function<void()>> answers;
    {
      std::lock_guard lock(mutex_);
      answers.swap(held);
    }
    for (auto& answer : answers) answer();
  }

  bool hold = false;

 private:
  mutable std::mutex mutex_;
  std::vector<sdk::CheckDefinition> definitions;
  std::vector<sdk::CheckDefinition> elsewhere;
  std::vector<RunCall> calls;
  std::map<std::string, std::int64_t> next_runs;
  std::vector<std::function<void()>> held;
};

// The shared fake host as a trigger instance named "cron" sees it.
class FakeHost : public notifyd::testing::FakeHost<notifyd::testing::NoNotifications, FakeChecks> {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : notifyd::testing::FakeHost<notifyd::testing::NoNotifications, FakeChecks>(io, std::move(config),
                                                                                  sdk::Kind::trigger, "cron") {}
};

sdk::CheckDefinition check(std::string user, std::string name, std::string schedule) {
  sdk::CheckDefinition definition;
  definition.user = std::move(user);
  definition.name = std::move(name);
  definition.schedule = std::move(schedule);
  return definition;
}

// Runs `io` on this thread for `duration`.
void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

// Starts the trigger on its strand and returns the status.
sdk::Status start(boost::asio::io_context& io, FakeHost& host, CronTrigger& trigger) {
  sdk::Status status;
  boost::asio::post(host.executor(), [&] {
    status = trigger.configure();
    if (status) status = trigger.start();
  });
  run_for(io, std::chrono::milliseconds{50});
  return status;
}

// Stops the trigger and runs the io_context until `done` is called or `limit` passes.
bool stop(boost::asio::io_context& io, FakeHost& host, CronTrigger& trigger, std::chrono::milliseconds limit) {
  auto stopped = std::make_shared<bool>(false);
  boost::asio::post(host.executor(), [&trigger, stopped] { trigger.stop([stopped] { *stopped = true; }); });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!*stopped && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds{20});
  return *stopped;
}

}  // namespace

TEST_CASE("an @every 1s check runs on whole-second slots, each within its second") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.check_service.set({check("alice", "tick", "@every 1s")});
  CronTrigger trigger(host);
  const std::int64_t started = sdk::now_epoch_ms();
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{3300});
  const auto calls = host.check_service.run_calls();
  INFO(host.logger.all());
  REQUIRE(calls.size() >= 2);
  REQUIRE(calls.size() <= 4);
  CHECK(calls[0].trigger == "schedule");
  CHECK(calls[0].user == "alice");
  CHECK(calls[0].name == "tick");
  CHECK(calls[0].at_ms - started <= 1100);
  for (const auto& call : calls) CHECK(call.at_ms % 1000 < 500);
  for (std::size_t i = 1; i < calls.size(); ++i) {
    CHECK(calls[i].at_ms - calls[i - 1].at_ms >= 900);
    CHECK(calls[i].at_ms - calls[i - 1].at_ms <= 1100);
  }
  CHECK(host.check_service.next_run("alice/tick") > sdk::now_epoch_ms() - 1000);
  auto state = parse_cron_state(host.documents_store.file("cron_state.json"));
  REQUIRE(state.ok());
  CHECK(state.value().count({"alice", "tick"}) == 1);
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("another host group's check is left to that group's scheduler") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.check_service.set({check("alice", "tick", "@every 1s")});
  host.check_service.set_elsewhere({check("alice", "remote", "@every 1s")});
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{2300});
  const auto calls = host.check_service.run_calls();
  REQUIRE(calls.size() >= 1);
  for (const auto& call : calls) CHECK(call.name == "tick");
  CHECK_FALSE(host.check_service.next_run("alice/remote").has_value());
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("a slot missed while the daemon was down runs once at start") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.check_service.set({check("alice", "yearly", "0 0 1 1 *"), check("bob", "never_ran", "0 0 1 1 *")});
  const std::int64_t two_years_ago = sdk::now_epoch_ms() / 1000 - 2 * 366 * 86400;
  host.documents_store.put("cron_state.json", format_cron_state({{{"alice", "yearly"}, two_years_ago}}));
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{400});
  const auto calls = host.check_service.run_calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].name == "yearly");
  CHECK(host.logger.count("alice/yearly missed its run at ") == 1);
  CHECK(host.logger.count("-01-01T00:00:00Z while notifyd was down; running it once now") == 1);
  auto state = parse_cron_state(host.documents_store.file("cron_state.json"));
  REQUIRE(state.ok());
  CHECK(state.value().at({"alice", "yearly"}) >= sdk::now_epoch_ms() / 1000 - 5);
  CHECK(state.value().count({"bob", "never_ran"}) == 0);
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("an invalid schedule is logged once and the other checks still run") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({{"refresh_interval", std::chrono::milliseconds{1000}}}));
  host.check_service.set({check("alice", "broken", "0 0 32 * *"), check("bob", "tick", "@every 1s")});
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{2500});
  CHECK(host.logger.count("check alice/broken is not scheduled: field 3 (day of month) \"32\" at column 5: value out "
                          "of range 1-31") == 1);
  CHECK(host.check_service.next_run("alice/broken") == 0);
  const auto calls = host.check_service.run_calls();
  CHECK(calls.size() >= 1);
  for (const auto& call : calls) CHECK(call.name == "tick");
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("the check list is re-read: new checks start, removed checks stop") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({{"refresh_interval", std::chrono::milliseconds{1000}}}));
  host.check_service.set({check("alice", "old", "@every 1s")});
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{1300});
  host.check_service.set({check("alice", "new", "@every 1s")});
  run_for(io, std::chrono::milliseconds{3000});
  const auto calls = host.check_service.run_calls();
  const auto last_old = std::find_if(calls.rbegin(), calls.rend(), [](const RunCall& c) { return c.name == "old"; });
  const auto new_runs = std::count_if(calls.begin(), calls.end(), [](const RunCall& c) { return c.name == "new"; });
  CHECK(new_runs >= 1);
  REQUIRE(last_old != calls.rend());
  CHECK(last_old->at_ms < sdk::now_epoch_ms() - 1500);
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("the default schedule applies to checks without one; a bad default is a config error") {
  {
    boost::asio::io_context io;
    FakeHost host(io, make_config({{"default_schedule", std::string("@every 1s")}}));
    host.check_service.set({check("alice", "script", "")});
    CronTrigger trigger(host);
    REQUIRE(start(io, host, trigger).ok);
    run_for(io, std::chrono::milliseconds{1500});
    CHECK(host.check_service.run_calls().size() >= 1);
    CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
  }
  {
    boost::asio::io_context io;
    FakeHost host(io, make_config({{"default_schedule", std::string("*/5 * * *")}}));
    CronTrigger trigger(host);
    CHECK(trigger.configure().message ==
          "default_schedule: \"*/5 * * *\": expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  }
  {
    boost::asio::io_context io;
    FakeHost host(io, make_config({{"time_zone", std::string("Mars/Olympus")}}));
    CronTrigger trigger(host);
    CHECK(trigger.configure().message ==
          "time_zone: unknown time zone \"Mars/Olympus\": /usr/share/zoneinfo/Mars/Olympus does not exist");
  }
  {
    boost::asio::io_context io;
    FakeHost host(io, make_config({{"refresh_interval", std::chrono::milliseconds{10}}}));
    CronTrigger trigger(host);
    CHECK(trigger.configure().message == "refresh_interval: must be between 1s and 24h");
  }
  {
    boost::asio::io_context io;
    FakeHost host(io, make_config({{"jitter", std::chrono::milliseconds{25LL * 3600 * 1000}}}));
    CronTrigger trigger(host);
    CHECK(trigger.configure().message == "jitter: must be between 0s and 24h");
  }
}

TEST_CASE("stop waits for the runs it started") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.check_service.hold = true;
  host.check_service.set({check("alice", "slow", "@every 1s")});
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{1100});
  const auto started_runs = host.check_service.run_calls().size();
  REQUIRE(started_runs >= 1);
  auto stopped = std::make_shared<bool>(false);
  boost::asio::post(host.executor(), [&trigger, stopped] { trigger.stop([stopped] { *stopped = true; }); });
  run_for(io, std::chrono::milliseconds{300});
  CHECK_FALSE(*stopped);
  CHECK(host.logger.count("waiting for " + std::to_string(started_runs) + " scheduled runs to finish") == 1);
  host.check_service.release_held();
  run_for(io, std::chrono::milliseconds{200});
  CHECK(*stopped);
  CHECK(host.check_service.run_calls().size() == started_runs);
}

TEST_CASE("a slot another replica claimed runs here only once, after its claimer stopped mid-run") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.coordination_service.ttl = std::chrono::milliseconds{400};
  host.check_service.set({check("alice", "tick", "@every 1s")});
  auto& keys = host.coordination_service.keys;
  const auto key = [](std::int64_t slot) { return "cron-slot/test-host/alice/tick/" + std::to_string(slot); };
  const std::int64_t now = sdk::now_epoch_ms() / 1000;
  // The next two slots were run elsewhere; the third's claimer stops, and its claim ends a second after the slot.
  for (const auto slot : {now + 1, now + 2}) REQUIRE(keys.put(key(slot), "done other:9", std::chrono::minutes(10)).ok);
  REQUIRE(keys.put(key(now + 3), "run other:9", std::chrono::milliseconds((now + 4) * 1000 - sdk::now_epoch_ms())).ok);
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  run_for(io, std::chrono::milliseconds{(now + 5) * 1000 + 500 - sdk::now_epoch_ms()});
  INFO(host.logger.all());
  const auto calls = host.check_service.run_calls();
  REQUIRE_FALSE(calls.empty());
  CHECK(calls.front().at_ms >= (now + 4) * 1000);
  const auto in_second = [&](std::int64_t second) {
    return std::count_if(calls.begin(), calls.end(),
                         [&](const RunCall& call) { return call.at_ms / 1000 == second; });
  };
  CHECK(in_second(now + 4) == 2);  // its own slot, and the third slot again
  CHECK(in_second(now + 5) == 1);
  CHECK(host.logger.count("stopped before finishing it; running it here") == 1);
  CHECK(keys.get(key(now + 1)).value() == std::optional<std::string>("done other:9"));
  CHECK(keys.get(key(now + 3)).value() == std::optional<std::string>("done test-host:1"));
  CHECK(keys.get(key(now + 4)).value() == std::optional<std::string>("done test-host:1"));
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}

TEST_CASE("the state document keeps the fires other replicas recorded") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({}));
  host.check_service.set({check("alice", "tick", "@every 1s")});
  const std::int64_t now = sdk::now_epoch_ms() / 1000;
  CronTrigger trigger(host);
  REQUIRE(start(io, host, trigger).ok);
  // Another host group's replica records its own check after this one started.
  host.documents_store.put("cron_state.json", format_cron_state({{{"bob", "elsewhere"}, now - 100}}));
  run_for(io, std::chrono::milliseconds{1500});
  auto state = parse_cron_state(host.documents_store.file("cron_state.json"));
  REQUIRE(state.ok());
  CHECK(state.value().at({"bob", "elsewhere"}) == now - 100);
  CHECK(state.value().at({"alice", "tick"}) > now);
  CHECK(stop(io, host, trigger, std::chrono::milliseconds{1000}));
}
