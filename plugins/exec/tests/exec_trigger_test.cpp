#include <catch2/catch.hpp>

#include "exec_trigger.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;
using Status = sdk::CheckExecution::Status;

namespace {

/// The plugin around a fake host; scripts are shell code run by /bin/sh.
struct PluginUnderTest {
  explicit PluginUnderTest(const TempDir& dir, std::int64_t max_children = 16)
      : host(io.io, make_config({{"users", std::vector<std::string>{current_user()}},
                                 {"pattern", (dir / "*.py").string()},
                                 {"interpreter", std::string("/bin/sh")},
                                 {"warm_start", false},
                                 {"rescan_interval", std::chrono::milliseconds(100)},
                                 {"kill_grace", std::chrono::milliseconds(300)},
                                 {"max_children", max_children}})),
        plugin(host) {}

  ~PluginUnderTest() {
    if (!stopped) stop();
  }

  void stop() {
    stopped = true;
    Awaited<bool> done;
    boost::asio::post(host.executor(), [&] { plugin.stop([&] { done.set(true); }); });
    REQUIRE(done.wait());
    // What the plugin posted to its executor before it was done runs before this.
    Awaited<bool> drained;
    boost::asio::post(host.executor(), [&] { drained.set(true); });
    REQUIRE(drained.wait());
  }

  sdk::Status on_executor(sdk::Status (ExecTrigger::*call)()) {
    Awaited<sdk::Status> status;
    boost::asio::post(host.executor(), [&] { status.set((plugin.*call)()); });
    return *status.wait();
  }

  std::optional<sdk::CheckDefinition> check(const std::string& name) {
    for (auto& definition : plugin.list_checks()) {
      if (definition.name == name) return definition;
    }
    return std::nullopt;
  }

  std::shared_ptr<Awaited<sdk::CheckExecution>> execute(const std::string& name, std::uint64_t run_id = 1) {
    auto result = std::make_shared<Awaited<sdk::CheckExecution>>();
    sdk::CheckDefinition definition;
    if (auto found = check(name)) definition = *found;
    definition.name = name;
    definition.user = current_user();
    plugin.execute(definition, run_id, [result](sdk::CheckExecution execution) { result->set(std::move(execution)); });
    return result;
  }

  IoThread io;
  FakeHost host;
  ExecTrigger plugin;
  bool stopped = false;
};

}  // namespace

TEST_CASE("the plugin registers itself as a check provider and lists scripts", "[trigger]") {
  TempDir dir;
  write_file(dir / "hello.py", "# notifyd: timeout=7\necho hi\n");
  PluginUnderTest test(dir);
  REQUIRE(test.on_executor(&ExecTrigger::configure));
  REQUIRE(test.host.check_service.providers.size() == 1);
  CHECK(test.host.check_service.providers[0] == static_cast<sdk::CheckProvider*>(&test.plugin));
  REQUIRE(test.on_executor(&ExecTrigger::start));
  const auto hello = test.check("hello");
  REQUIRE(hello);
  CHECK(hello->timeout == 7s);
  CHECK(test.host.logger.count("found 1 script(s) of 1 user(s)") == 1);
}

TEST_CASE("a bad config is refused by configure", "[trigger]") {
  IoThread io;
  FakeHost host(io.io, make_config());
  ExecTrigger plugin(host);
  Awaited<sdk::Status> status;
  boost::asio::post(host.executor(), [&] { status.set(plugin.configure()); });
  CHECK(status.wait()->message == "neither users_group nor users is set: no user's scripts would run");
  CHECK(host.check_service.providers.empty());
}

TEST_CASE("a run gets its check's name and run id, in the user's home", "[trigger]") {
  TempDir dir;
  write_file(dir / "env.py", "echo \"$NOTIFYD_CHECK $NOTIFYD_RUN_ID $NOTIFYD_USER $(pwd) $HOME\"\n");
  PluginUnderTest test(dir);
  REQUIRE(test.on_executor(&ExecTrigger::configure));
  REQUIRE(test.on_executor(&ExecTrigger::start));
  const auto execution = test.execute("env", 42)->wait();
  REQUIRE(execution);
  CHECK(execution->status == Status::exited);
  const auto account = lookup_account(current_user()).value();
  CHECK(execution->output ==
        "env 42 " + current_user() + " " + account.home.string() + " " + account.home.string() + "\n");
}

TEST_CASE("new scripts appear after a rescan; unsafe and unknown ones are not run", "[trigger]") {
  TempDir dir;
  PluginUnderTest test(dir);
  REQUIRE(test.on_executor(&ExecTrigger::configure));
  REQUIRE(test.on_executor(&ExecTrigger::start));
  CHECK(test.plugin.list_checks().empty());

  write_file(dir / "later.py", "echo later\n");
  write_file(dir / "shared.py", "echo shared\n", 0664);
  for (int i = 0; i < 100 && !(test.check("later") && test.check("shared")); ++i) std::this_thread::sleep_for(20ms);
  REQUIRE(test.check("later"));
  CHECK(test.execute("later")->wait()->output == "later\n");

  const auto refused = test.execute("shared")->wait();
  CHECK(refused->status == Status::refused);
  CHECK(refused->error.find("is writable by its group") != std::string::npos);

  const auto unknown = test.execute("nothing")->wait();
  CHECK(unknown->status == Status::failed_to_start);
  CHECK(unknown->error == "no script nothing of " + current_user() + " any more (was it removed?)");
}

TEST_CASE("beyond max_children runs wait their turn", "[trigger]") {
  TempDir dir;
  for (int i = 0; i < 4; ++i) write_file(dir / ("c" + std::to_string(i) + ".py"), "sleep 0.1; echo " + std::to_string(i) + "\n");
  PluginUnderTest test(dir, 1);
  REQUIRE(test.on_executor(&ExecTrigger::configure));
  REQUIRE(test.on_executor(&ExecTrigger::start));
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Awaited<sdk::CheckExecution>>> results;
  for (int i = 0; i < 4; ++i) results.push_back(test.execute("c" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) CHECK(results[i]->wait()->output == std::to_string(i) + "\n");
  CHECK(std::chrono::steady_clock::now() - started >= 400ms);
}

TEST_CASE("stop ends running scripts and reports them before it is done", "[trigger]") {
  TempDir dir;
  write_file(dir / "forever.py", "sleep 1000 & echo $!; sleep 1000\n");
  PluginUnderTest test(dir);
  REQUIRE(test.on_executor(&ExecTrigger::configure));
  REQUIRE(test.on_executor(&ExecTrigger::start));
  const auto running = test.execute("forever");
  std::this_thread::sleep_for(300ms);
  test.stop();
  const auto execution = running->wait(1ms);
  REQUIRE(execution);
  CHECK(execution->error == "notifyd is shutting down (killed by SIGTERM)");
  CHECK(process_ends(static_cast<pid_t>(std::stol(execution->output))));

  const auto after = test.execute("forever")->wait();
  CHECK(after->status == Status::failed_to_start);
  CHECK(after->error == "notifyd is shutting down");
}
