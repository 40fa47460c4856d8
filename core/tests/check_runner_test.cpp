#include <catch2/catch.hpp>

#include <atomic>
#include <map>

#include "forwarding_store.hpp"
#include "notifyd/sdk/cooldown_state.hpp"
#include "notifyd/sdk/utc_time.hpp"
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

/// The test services' store, except that while `failing` it cannot draw run
/// ids, as a shared store that cannot be reached.
class RunIdsFailing final : public test::ForwardingStore {
 public:
  explicit RunIdsFailing(core::NotificationStore& store) : ForwardingStore(store) {}
  sdk::Result<std::uint64_t> next_run_id() override {
    if (failing) return sdk::Result<std::uint64_t>::failure("cannot draw a run id: no connection to the server");
    return ForwardingStore::next_run_id();
  }

  bool failing = true;
};

struct Fixture {
  explicit Fixture(std::filesystem::path data_dir = {}) : services({}, std::move(data_dir)) {
    services.check_settings.max_concurrent = 2;
    host = services.host("bot", sdk::Kind::channel);
    services.pipeline->add_channel("bot", channel, host->executor());
    services.pipeline->start();
    services.checks->add_provider("scripts", provider);
  }

  sdk::RunRecord run(const std::string& name) {
    std::optional<core::RunResult> result;
    services.checks->run("root", name, "manual", [&](core::RunResult r) { result = std::move(r); });
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
  CHECK_THAT(alert.detail, Catch::StartsWith("notification " + std::to_string(alert.notification_id) + " queued for "));
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

TEST_CASE("an image that cannot be used leaves the text to go alone, with a warning") {
  Fixture f;
  const auto png = f.services.dir.write("chart.png", std::string("\x89PNG\r\n\x1a\n0000", 12));
  const auto text = f.services.dir.write("notes.png", "not an image");
  f.provider.executions = {
      {"chart", exited("{\"notify\": true, \"message\": \"m\", \"image_path\": \"" + png.string() + "\"}")},
      {"fake", exited("{\"notify\": true, \"message\": \"m\", \"image_path\": \"" + text.string() + "\"}")},
      {"missing", exited("{\"notify\": true, \"title\": \"T\", \"image_path\": \"/nonexistent.png\"}")},
      {"only_image", exited("{\"notify\": true, \"image_path\": \"/nonexistent.png\"}")},
  };
  auto chart = f.run("chart");
  REQUIRE(chart.outcome == "notified");
  CHECK(f.services.pipeline->find(chart.notification_id).value().notification.image_type == sdk::ImageType::png);

  auto fake = f.run("fake");
  REQUIRE(fake.outcome == "notified");
  CHECK_THAT(fake.detail, Catch::EndsWith("; warning: `image_path` " + text.string() +
                                          " is not a PNG, JPEG, GIF or WebP image; the image is left out"));
  CHECK(f.services.pipeline->find(fake.notification_id).value().notification.image_path.empty());

  auto missing = f.run("missing");
  REQUIRE(missing.outcome == "notified");
  CHECK_THAT(missing.detail,
             Catch::Contains("; warning: `message` is required when `notify` is true; the title is sent alone"
                             "; warning: `image_path` /nonexistent.png cannot be read by root (it does not exist, or "
                             "root may not read it); the image is left out"));
  const auto sent = f.services.pipeline->find(missing.notification_id).value().notification;
  CHECK(sent.title == "T");
  CHECK(sent.message.empty());

  auto nothing = f.run("only_image");
  CHECK(nothing.outcome == "quiet");
  CHECK(nothing.notification_id == 0);
  CHECK_THAT(nothing.detail, Catch::EndsWith("; warning: nothing to send: no `message`, no `title` and no readable image"));
}

TEST_CASE("what the old runner tolerated is a quiet or a sent run with a warning, never a failure") {
  Fixture f;
  f.services.check_settings.failure_alert_after = 2;
  f.provider.executions = {
      {"no_notify", exited("{\"title\": \"T\", \"message\": \"M\"}")},
      {"empty", exited("  \n")},
      {"odd_cooldown", exited("{\"notify\": true, \"message\": \"M\", \"cooldown\": \"soon\"}")},
      {"upper_cooldown", exited("{\"notify\": true, \"message\": \"M\", \"cooldown\": \" 2H \"}")},
      {"nothing", exited("{\"notify\": true}")},
  };
  for (int i = 0; i < 3; ++i) {
    auto quiet = f.run("no_notify");
    CHECK(quiet.outcome == "quiet");
    CHECK(quiet.detail ==
          "warning: `notify` is missing; read as false, nothing sent (print \"notify\": false or true)");
  }
  auto empty = f.run("empty");
  CHECK(empty.outcome == "quiet");
  CHECK(empty.detail == "warning: stdout is empty; nothing to report (print {\"notify\": false} to say so)");

  auto odd = f.run("odd_cooldown");
  REQUIRE(odd.outcome == "notified");
  CHECK_THAT(odd.detail, Catch::EndsWith("; warning: `cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), "
                                         "got \"soon\"; used the default 1h"));
  auto again = f.run("odd_cooldown");
  CHECK(again.outcome == "cooldown");
  // The second run may start in the next second of the clock.
  CHECK_THAT(again.detail, Catch::Matches("suppressed: sent [01]s ago, cooldown 1h; warning: `cooldown`.*"));

  auto upper = f.run("upper_cooldown");
  REQUIRE(upper.outcome == "notified");
  CHECK_THAT(upper.detail, !Catch::Contains("warning"));
  CHECK_THAT(f.run("upper_cooldown").detail, Catch::Contains("cooldown 2h"));

  auto nothing = f.run("nothing");
  CHECK(nothing.outcome == "quiet");
  CHECK(nothing.detail == "warning: `message` is required when `notify` is true; nothing to send");

  // No failure streak: the owner was never told a check is failing.
  auto history = f.services.pipeline->history({.user = "root", .limit = 50});
  REQUIRE(history.ok());
  std::vector<std::string> sources;
  for (const auto& entry : history.value()) sources.push_back(entry.notification.source);
  CHECK(sources == std::vector<std::string>{"upper_cooldown", "odd_cooldown"});
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
  auto failing = f.services.pipeline->history({.user = "root", .limit = 10}).value();
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].notification.title == "Check flaky is failing");
  CHECK_THAT(failing[0].notification.message, Catch::Contains("failed 3 runs in a row"));

  f.provider.executions["flaky"] = exited("{\"notify\": false}");
  f.run("flaky");
  REQUIRE(f.services.run_until([&] { return f.channel.delivered().size() == 2; }));
  CHECK(f.services.pipeline->history({.user = "root", .limit = 1}).value()[0].notification.title == "Check flaky recovered");
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
  auto history = [&] { return after.services.pipeline->history({.user = "root", .limit = 10}).value(); };
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
  auto history = [&] { return after.services.pipeline->history({.user = "root", .limit = 10}).value(); };
  REQUIRE(after.services.run_until([&] { return history().size() == 1; }));
  CHECK(history()[0].notification.title == "Check flaky is failing");
}

TEST_CASE("an unknown check is an error, not a run") {
  Fixture f;
  std::optional<core::RunResult> result;
  f.services.checks->run("root", "nope", "manual", [&](auto r) { result = std::move(r); });
  REQUIRE(result.has_value());
  CHECK_FALSE(result->ok());
  CHECK(result->refusal().message == "no check named \"nope\" for root");
  CHECK(result->refusal().kind == core::RunRefusal::Kind::no_such_check);
}

TEST_CASE("a run without an id fails with the reason and leaves the check free to run again") {
  Fixture f;
  f.provider.executions["disk"] = exited("{\"notify\": false}");
  RunIdsFailing store(*f.services.store);
  core::CheckRunner checks(f.services.io.get_executor(), store, *f.services.pipeline, f.services.coordination,
                           f.services.check_settings, f.services.log, f.services.metrics);
  checks.add_provider("scripts", f.provider);
  const auto run = [&] {
    std::optional<core::RunResult> result;
    checks.run("root", "disk", "manual", [&](core::RunResult r) { result = std::move(r); });
    REQUIRE(f.services.run_until([&] { return result.has_value(); }));
    return *result;
  };
  for (int i = 0; i < 2; ++i) {
    const auto refused = run();
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.refusal().message == "not run: cannot draw a run id: no connection to the server");
    CHECK(refused.refusal().kind == core::RunRefusal::Kind::unavailable);
  }
  CHECK(f.provider.started == 0);

  store.failing = false;
  f.provider.held.insert("disk");
  std::optional<core::RunResult> held;
  checks.run("root", "disk", "manual", [&](core::RunResult r) { held = std::move(r); });
  REQUIRE(f.provider.started == 1);
  store.failing = true;
  const auto skipped = run();
  REQUIRE_FALSE(skipped.ok());
  CHECK(skipped.refusal().message ==
        "cannot record the skipped run: cannot draw a run id: no connection to the server");
  CHECK(skipped.refusal().kind == core::RunRefusal::Kind::unavailable);
  f.provider.release_all();
  REQUIRE(f.services.run_until([&] { return held.has_value(); }));
  CHECK(held->ok());
}

namespace {

/// The pipeline, except that while `down` every publish is answered
/// unavailable, as with a notification store that cannot be reached.
class StoreDownNotifications final : public sdk::NotificationService {
 public:
  explicit StoreDownNotifications(sdk::NotificationService& inner) : inner_(inner) {}
  void publish(sdk::PublishRequest request, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    ++attempts;
    if (down) return done({sdk::PublishOutcome::Code::unavailable, 0, {}, "the notification store is unavailable"});
    inner_.publish(std::move(request), std::move(done));
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override {
    return inner_.history(query);
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const noexcept override { return inner_.find(id); }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return inner_.health(); }

  std::atomic<bool> down{true};
  std::atomic<int> attempts{0};

 private:
  sdk::NotificationService& inner_;
};

}  // namespace

TEST_CASE("a result that finds the store unavailable waits, frees its slot, and goes out once the store is back") {
  Fixture f;
  f.services.check_settings.max_concurrent = 1;
  f.provider.executions["disk"] = exited(R"({"notify": true, "message": "disk 97%"})");
  f.provider.executions["load"] = exited(R"({"notify": true, "message": "load 12"})");
  StoreDownNotifications notifications(*f.services.pipeline);
  core::CheckRunner checks(f.services.io.get_executor(), *f.services.store, notifications, f.services.coordination,
                           f.services.check_settings, f.services.log, f.services.metrics);
  checks.add_provider("scripts", f.provider);
  std::map<std::string, core::RunResult> finished;
  for (const std::string name : {"disk", "load"}) {
    checks.run("root", name, "manual", [&, name](core::RunResult r) { finished.emplace(name, std::move(r)); });
  }
  // Both ran although one run at a time is allowed: a waiting result does not hold its slot.
  REQUIRE(f.services.run_until([&] { return f.provider.started == 2 && notifications.attempts >= 4; }));
  CHECK(finished.empty());
  CHECK(f.channel.delivered().empty());

  notifications.down = false;
  REQUIRE(f.services.run_until([&] { return finished.size() == 2; }));
  for (const auto& [name, result] : finished) {
    REQUIRE(result.ok());
    CHECK(result.value().outcome == "notified");
    CHECK_THAT(result.value().detail, Catch::Contains("after waiting") && Catch::Contains("for the notification store"));
  }
  REQUIRE(f.services.run_until([&] { return f.channel.delivered().size() == 2; }));
  CHECK(f.provider.started == 2);
}

TEST_CASE("a result still waiting for the store when notifyd stops fails with the reason") {
  Fixture f;
  f.provider.executions["disk"] = exited(R"({"notify": true, "message": "disk 97%"})");
  StoreDownNotifications notifications(*f.services.pipeline);
  core::CheckRunner checks(f.services.io.get_executor(), *f.services.store, notifications, f.services.coordination,
                           f.services.check_settings, f.services.log, f.services.metrics);
  checks.add_provider("scripts", f.provider);
  std::optional<core::RunResult> finished;
  checks.run("root", "disk", "manual", [&](core::RunResult r) { finished = std::move(r); });
  REQUIRE(f.services.run_until([&] { return notifications.attempts >= 1; }));
  checks.stop();
  REQUIRE(f.services.run_until([&] { return finished.has_value(); }));
  REQUIRE(finished->ok());
  CHECK(finished->value().outcome == "failed");
  // Stopped while its retry waited, or refused a wait when the retry found notifyd stopping.
  CHECK_THAT(finished->value().detail, Catch::StartsWith("not sent: "));
  CHECK(f.channel.delivered().empty());
}

TEST_CASE("a check another replica of the host group is running is skipped, naming that replica") {
  Fixture f;
  f.provider.executions["disk"] = exited("{\"notify\": false}");
  auto& keys = f.services.coordination.ephemeral();
  const std::string lease = "check-run/" + f.services.coordination.host_group() + "/root/disk";
  REQUIRE(keys.put(lease, "other-host:7 99", std::chrono::seconds(10)).ok);

  const auto skipped = f.run("disk");
  CHECK(skipped.outcome == "skipped");
  CHECK(skipped.detail == "the previous run is still going on other-host:7");
  CHECK(f.provider.started == 0);
  CHECK(keys.get(lease).value() == std::optional<std::string>("other-host:7 99"));

  REQUIRE(keys.remove(lease).ok);
  f.provider.held.insert("disk");
  std::optional<core::RunResult> held;
  f.services.checks->run("root", "disk", "schedule", [&](core::RunResult r) { held = std::move(r); });
  REQUIRE(f.provider.started == 1);
  const auto holder = keys.get(lease).value();
  f.provider.release_all();
  REQUIRE(f.services.run_until([&] { return held.has_value(); }));
  REQUIRE(held->ok());
  CHECK(held->value().outcome == "quiet");
  CHECK(holder == std::optional<std::string>(f.services.coordination.replica() + " " + std::to_string(held->value().id)));
  CHECK_FALSE(keys.get(lease).value().has_value());
}

TEST_CASE("two runners of one host group never run one check at once, and a run renews its lease") {
  Fixture f;
  f.provider.executions["disk"] = exited("{\"notify\": false}");
  f.provider.held.insert("disk");
  std::filesystem::create_directories(f.services.data / "shared");
  core::LocalCoordination shared(f.services.data / "shared", {}, "group-1", std::chrono::milliseconds(300));
  core::CheckRunner one(f.services.io.get_executor(), *f.services.store, *f.services.pipeline, shared,
                        f.services.check_settings, f.services.log, f.services.metrics);
  core::CheckRunner two(f.services.io.get_executor(), *f.services.store, *f.services.pipeline, shared,
                        f.services.check_settings, f.services.log, f.services.metrics);
  one.add_provider("scripts", f.provider);
  two.add_provider("scripts", f.provider);
  std::optional<core::RunResult> first, second;
  one.run("root", "disk", "schedule", [&](core::RunResult r) { first = std::move(r); });
  REQUIRE(f.provider.started == 1);
  // Three times the lease's time to live: only renewals keep it.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(900);
  f.services.run_until([&] { return std::chrono::steady_clock::now() > until; });
  CHECK(shared.ephemeral().get("check-run/group-1/root/disk").value().has_value());
  two.run("root", "disk", "manual", [&](core::RunResult r) { second = std::move(r); });
  REQUIRE(f.services.run_until([&] { return second.has_value(); }));
  REQUIRE(second->ok());
  CHECK(second->value().outcome == "skipped");
  CHECK(second->value().detail == "the previous run is still going on " + shared.replica());
  CHECK(f.provider.started == 1);

  f.provider.release_all();
  REQUIRE(f.services.run_until([&] { return first.has_value(); }));
  CHECK(first->value().outcome == "quiet");
  CHECK_FALSE(shared.ephemeral().get("check-run/group-1/root/disk").value().has_value());
  f.provider.held.clear();
  second.reset();
  two.run("root", "disk", "manual", [&](core::RunResult r) { second = std::move(r); });
  REQUIRE(f.services.run_until([&] { return second.has_value(); }));
  CHECK(second->value().outcome == "quiet");
  CHECK(f.provider.started == 2);
}

TEST_CASE("the cooldown decision reads the stamp another replica wrote after this one cached it") {
  Fixture f;
  f.provider.executions["alert"] = exited("{\"notify\": true, \"message\": \"M\", \"cooldown\": \"1h\"}");
  REQUIRE(f.services.checks->checks("root")[0].last_sent_ms == 0);
  const auto now = sdk::now_epoch_ms() / 1000;
  REQUIRE(f.services.documents.write("cooldowns/root/alert.json", sdk::cooldown_state_text(now - 60)).ok);
  const auto suppressed = f.run("alert");
  CHECK(suppressed.outcome == "cooldown");
  CHECK_THAT(suppressed.detail, Catch::StartsWith("suppressed: sent 1m"));
}

TEST_CASE("a notification stored without its cooldown stamp (a crash in between) still starts the cooldown") {
  Fixture f;
  f.provider.executions["alert"] = exited("{\"notify\": true, \"message\": \"M\", \"cooldown\": \"1h\"}");
  sdk::PublishRequest request;
  request.notification.user = "root";
  request.notification.message = "sent by a replica that died before stamping";
  request.notification.source = "alert";
  std::optional<sdk::PublishOutcome> outcome;
  f.services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome o) { outcome = std::move(o); });
  REQUIRE(f.services.run_until([&] { return outcome.has_value(); }));
  REQUIRE(outcome->code == sdk::PublishOutcome::Code::accepted);
  REQUIRE_FALSE(f.services.documents.read("cooldowns/root/alert.json").value().has_value());
  const auto suppressed = f.run("alert");
  CHECK(suppressed.outcome == "cooldown");
  CHECK_THAT(suppressed.detail, Catch::Matches("suppressed: sent [01]s ago, cooldown 1h"));
}
