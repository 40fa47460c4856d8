#include <catch2/catch.hpp>

#include "script_runner.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;
using Status = sdk::CheckExecution::Status;

namespace {

RunnerSettings settings_with(uid_t daemon_uid, std::size_t max_children = 4) {
  RunnerSettings settings;
  settings.interpreter = "/bin/sh";
  settings.warm_start = false;  // warm interpreters are Python; warm_interpreter_test covers them
  settings.environment = {"/usr/bin:/bin", "C.UTF-8"};
  settings.limits.kill_grace = 300ms;
  settings.max_children = max_children;
  settings.daemon_uid = daemon_uid;
  return settings;
}

DiscoveredScript script_at(const std::filesystem::path& path) {
  DiscoveredScript script;
  script.path = path;
  script.account = std::make_shared<const UserAccount>(lookup_account(current_user()).value());
  script.definition.name = path.stem().string();
  script.definition.user = current_user();
  return script;
}

std::shared_ptr<Awaited<sdk::CheckExecution>> run(ScriptRunner& runner, const DiscoveredScript& script) {
  auto result = std::make_shared<Awaited<sdk::CheckExecution>>();
  runner.run(script, script.definition, 1, [result](sdk::CheckExecution execution) { result->set(std::move(execution)); });
  return result;
}

void stop(ScriptRunner& runner) {
  Awaited<bool> stopped;
  runner.stop([&] { stopped.set(true); });
  REQUIRE(stopped.wait());
}

}  // namespace

TEST_CASE("a daemon that is not root refuses other users' scripts", "[runner]") {
  TempDir dir;
  write_file(dir / "mine.py", "echo ran\n");
  IoThread io;
  const uid_t someone_else = ::geteuid() + 4242;
  ScriptRunner runner(io.io, settings_with(someone_else));
  const auto execution = run(runner, script_at(dir / "mine.py"))->wait();
  CHECK(execution->status == Status::refused);
  CHECK(execution->error == "notifyd is not running as root, so it cannot run " + current_user() + "'s script as " +
                                current_user());
  stop(runner);
}

TEST_CASE("a daemon that is not root runs its own user's scripts without switching", "[runner]") {
  if (::geteuid() == 0) {
    SUCCEED("covered by the exec_trigger tests when not root");
    return;
  }
  TempDir dir;
  write_file(dir / "mine.py", "id -u\n");
  IoThread io;
  ScriptRunner runner(io.io, settings_with(::geteuid()));
  CHECK(run(runner, script_at(dir / "mine.py"))->wait()->output == std::to_string(::geteuid()) + "\n");
  stop(runner);
}

TEST_CASE("stop answers queued runs and waits for running ones", "[runner]") {
  TempDir dir;
  write_file(dir / "slow.py", "sleep 1000\n");
  IoThread io;
  ScriptRunner runner(io.io, settings_with(::geteuid(), 1));
  const auto running = run(runner, script_at(dir / "slow.py"));
  const auto queued = run(runner, script_at(dir / "slow.py"));
  for (int i = 0; i < 200 && runner.running() == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(runner.running() == 1);
  stop(runner);
  CHECK(runner.running() == 0);
  REQUIRE(running->wait(1ms));
  CHECK(running->wait()->error == "notifyd is shutting down (killed by SIGTERM)");
  REQUIRE(queued->wait(1ms));
  CHECK(queued->wait()->status == Status::failed_to_start);
  CHECK(queued->wait()->error == "notifyd is shutting down");
  CHECK_FALSE(runner.submit([] {}));
}

TEST_CASE("an interpreter that cannot start is a failure to start", "[runner]") {
  TempDir dir;
  write_file(dir / "x.py", "echo\n");
  IoThread io;
  RunnerSettings settings = settings_with(::geteuid());
  settings.interpreter = "/nonexistent/python3";
  ScriptRunner runner(io.io, settings);
  const auto execution = run(runner, script_at(dir / "x.py"))->wait();
  CHECK(execution->status == Status::failed_to_start);
  CHECK(execution->error == "cannot execute /nonexistent/python3: No such file or directory");
  stop(runner);
}
