#include <catch2/catch.hpp>

#include <map>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using Status = sdk::CheckExecution::Status;

namespace {

sdk::CheckExecution exited(std::string output, int code = 0) {
  sdk::CheckExecution e;
  e.status = Status::exited;
  e.exit_code = code;
  e.output = std::move(output);
  e.stderr_tail = "some stderr";
  return e;
}

/// A provider whose checks answer with a scripted execution, or hold their answer until released.
class FakeProvider final : public sdk::CheckProvider {
 public:
  std::vector<sdk::CheckDefinition> list_checks() noexcept override {
    std::lock_guard lock(mutex);
    std::vector<sdk::CheckDefinition> out;
    for (const auto& [name, execution] : executions) {
      sdk::CheckDefinition definition;
      definition.name = name;
      definition.user = "root";
      definition.timeout = std::chrono::seconds(5);
      definition.origin = "test:" + name;
      out.push_back(std::move(definition));
    }
    return out;
  }
  void execute(const sdk::CheckDefinition& check, std::uint64_t, std::function<void(sdk::CheckExecution)> done) noexcept override {
    std::unique_lock lock(mutex);
    ++started;
    if (held.contains(check.name)) {
      waiting.push_back(std::move(done));
      return;
    }
    auto execution = executions.at(check.name);
    lock.unlock();
    done(execution);
  }
  void release_all() {
    std::vector<std::function<void(sdk::CheckExecution)>> pending;
    {
      std::lock_guard lock(mutex);
      pending.swap(waiting);
    }
    for (auto& done : pending) done(exited("{\"notify\": false}"));
  }

  std::mutex mutex;
  std::map<std::string, sdk::CheckExecution> executions;
  std::set<std::string> held;
  std::vector<std::function<void(sdk::CheckExecution)>> waiting;
  int started = 0;
};

sdk::CheckExecution failed(Status status, std::string error) {
  sdk::CheckExecution e;
  e.status = status;
  e.error = std::move(error);
  return e;
}

struct Fixture {
  explicit Fixture(std::filesystem::path data_dir = {}) : services({}, std::move(data_dir)) {
    services.check_settings.max_concurrent = 2;
    host = services.host("bot", sdk::Kind::channel);
    services.pipeline->add_channel("bot", channel, host->executor());
    services.pipeline->start();
    services.checks->add_provider("scripts", provider);
  }

  sdk::RunRecord run(const std::string& name) {
    std::optional<sdk::Result<sdk::RunRecord>> result;
    services.checks->run("root", name, "manual", [&](sdk::Result<sdk::RunRecord> r) { result = std::move(r); });
    REQUIRE(services.run_until([&] { return result.has_value(); }));
    REQUIRE(result->ok());
    return result->value();
  }

  test::TestServices services;
  test::ScriptedChannel channel;
  std::unique_ptr<core::PluginHost> host;
  FakeProvider provider;
};

}  // namespace

TEST_CASE("a check's outcome follows the script contract") {
  Fixture f;
  f.provider.executions = {
      {"quiet", exited("{\"notify\": false}")},
      {"alert", exited("{\"notify\": true, \"title\": \"T\", \"message\": \"M\", \"cooldown\": \"1h\"}")},
      {"garbage", exited("Traceback (most recent call last):")},
      {"crash", exited("", 3)},
      {"slow", failed(Status::timed_out, "killed after 5s")},
      {"unsafe", failed(Status::refused, "script is writable by others")},
  };
  CHECK(f.run("quiet").outcome == "quiet");

  auto alert = f.run("alert");
  CHECK(alert.outcome == "notified");
  CHECK(alert.notification_id > 0);
  CHECK(alert.stderr_tail == "some stderr");
  CHECK(alert.exit_code == 0);
  REQUIRE(f.services.run_until([&] { return f.channel.delivered().size() == 1; }));
  auto stored = f.services.pipeline->find(alert.notification_id);
  CHECK(stored.value().notification.title == "T");
  CHECK(stored.value().notification.source == "alert");

  auto again = f.run("alert");
  CHECK(again.outcome == "cooldown");
  CHECK_THAT(again.detail, Catch::Contains("cooldown 1h"));
  CHECK(again.notification_id == 0);

  auto garbage = f.run("garbage");
  CHECK(garbage.outcome == "bad_output");
  CHECK_THAT(garbage.detail, Catch::Contains("stdout is not JSON"));
  CHECK(f.run("crash").outcome == "failed");
  CHECK(f.run("crash").detail == "exited with status 3");
  CHECK(f.run("slow").outcome == "timeout");
  auto refused = f.run("unsafe");
  CHECK(refused.outcome == "refused");
  CHECK(refused.detail == "script is writable by others");

  auto history = f.services.checks->runs("root", "crash", 10);
  REQUIRE(history.ok());
  CHECK(history.value().size() == 2);
  auto listed = f.services.checks->checks("root");
  REQUIRE(listed.size() == 6);
  CHECK(listed[0].definition.name == "alert");
  CHECK(listed[0].definition.provider == "scripts");
  CHECK(listed[0].last_sent_ms > 0);
  CHECK(listed[0].last_run->outcome == "cooldown");
}

TEST_CASE("an image must be the user's own image file") {
  Fixture f;
  const auto png = f.services.dir.write("chart.png", std::string("\x89PNG\r\n\x1a\n0000", 12));
  const auto text = f.services.dir.write("notes.png", "not an image");
  f.provider.executions = {
      {"chart", exited("{\"notify\": true, \"message\": \"m\", \"image_path\": \"" + png.string() + "\"}")},
      {"fake", exited("{\"notify\": true, \"message\": \"m\", \"image_path\": \"" + text.string() + "\"}")},
      {"missing", exited("{\"notify\": true, \"message\": \"m\", \"image_path\": \"/nonexistent.png\"}")},
  };
  auto chart = f.run("chart");
  REQUIRE(chart.outcome == "notified");
  CHECK(f.services.pipeline->find(chart.notification_id).value().notification.image_type == sdk::ImageType::png);
  CHECK(f.run("fake").outcome == "bad_output");
  CHECK_THAT(f.run("missing").detail, Catch::Contains("cannot be opened"));
}

TEST_CASE("a running check is not started twice, and the limit holds") {
  Fixture f;
  for (auto name : {"a", "b", "c"}) {
    f.provider.executions[name] = exited("{\"notify\": false}");
    f.provider.held.insert(name);
  }
  int finished = 0;
  for (auto name : {"a", "b", "c"}) f.services.checks->run("root", name, "schedule", [&](auto) { ++finished; });
  CHECK(f.provider.started == 2);
  CHECK(f.run("a").outcome == "skipped");
  f.provider.release_all();
  REQUIRE(f.services.run_until([&] { return f.provider.started == 3; }));
  f.provider.release_all();
  REQUIRE(f.services.run_until([&] { return finished == 3; }));
}

TEST_CASE("the owner hears about a check failing three times in a row, and about its recovery") {
  Fixture f;
  f.provider.executions["flaky"] = exited("", 1);
  for (int i = 0; i < 4; ++i) f.run("flaky");
  REQUIRE(f.services.run_until([&] { return f.channel.delivered().size() == 1; }));
  auto failing = f.services.pipeline->history({"root", 10, 0, 0}).value();
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].notification.title == "Check flaky is failing");
  CHECK_THAT(failing[0].notification.message, Catch::Contains("failed 3 runs in a row"));

  f.provider.executions["flaky"] = exited("{\"notify\": false}");
  f.run("flaky");
  REQUIRE(f.services.run_until([&] { return f.channel.delivered().size() == 2; }));
  CHECK(f.services.pipeline->history({"root", 1, 0, 0}).value()[0].notification.title == "Check flaky recovered");
}

TEST_CASE("a failure streak survives a restart: no second alert, and the recovery is still told") {
  test::TempDir data;
  {
    Fixture before(data.path());
    before.provider.executions["flaky"] = exited("", 1);
    for (int i = 0; i < 3; ++i) before.run("flaky");
    REQUIRE(before.services.run_until([&] { return before.channel.delivered().size() == 1; }));
  }
  Fixture after(data.path());
  after.services.checks->load_history();
  after.provider.executions["flaky"] = exited("", 1);
  after.run("flaky");
  after.provider.executions["flaky"] = exited("{\"notify\": false}");
  after.run("flaky");
  auto history = [&] { return after.services.pipeline->history({"root", 10, 0, 0}).value(); };
  REQUIRE(after.services.run_until([&] { return history().size() == 2; }));
  after.services.run_until([] { return false; }, std::chrono::milliseconds(200));
  REQUIRE(history().size() == 2);
  CHECK(history()[0].notification.title == "Check flaky recovered");
  CHECK(history()[1].notification.title == "Check flaky is failing");
}

TEST_CASE("a streak shorter than the threshold goes on counting after a restart") {
  test::TempDir data;
  {
    Fixture before(data.path());
    before.provider.executions["flaky"] = exited("", 1);
    for (int i = 0; i < 2; ++i) before.run("flaky");
  }
  Fixture after(data.path());
  after.services.checks->load_history();
  after.provider.executions["flaky"] = exited("", 1);
  after.run("flaky");
  auto history = [&] { return after.services.pipeline->history({"root", 10, 0, 0}).value(); };
  REQUIRE(after.services.run_until([&] { return history().size() == 1; }));
  CHECK(history()[0].notification.title == "Check flaky is failing");
}

TEST_CASE("an unknown check is an error, not a run") {
  Fixture f;
  std::optional<sdk::Result<sdk::RunRecord>> result;
  f.services.checks->run("root", "nope", "manual", [&](auto r) { result = std::move(r); });
  REQUIRE(result.has_value());
  CHECK_FALSE(result->ok());
  CHECK(result->error() == "no check named \"nope\" for root");
}
