#include <catch2/catch.hpp>

#include <signal.h>

#include "child_spawn.hpp"
#include "test_support.hpp"
#include "warm_interpreter.hpp"
#include "warm_interpreter_pool.hpp"

using namespace notifyd;
using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;
using Status = sdk::CheckExecution::Status;

namespace {

constexpr const char* python = "/usr/bin/python3";

SpawnPlan python_plan(const TempDir& dir, const std::string& script) {
  SpawnPlan plan;
  plan.program = python;
  plan.arguments = {python, (dir / script).string()};
  plan.environment = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + dir.path().string()};
  plan.run_environment = {"NOTIFYD_CHECK=" + std::filesystem::path(script).stem().string(), "NOTIFYD_RUN_ID=7"};
  plan.working_directory = dir.path().string();
  return plan;
}

sdk::CheckExecution cold(const SpawnPlan& plan) {
  auto child = spawn_child(plan);
  REQUIRE(child);
  auto execution = supervise(std::move(child).value(), quick_limits());
  REQUIRE(execution);
  return *execution;
}

sdk::CheckExecution warm(WarmInterpreter& interpreter, const SpawnPlan& plan, ProcessLimits limits = quick_limits(),
                         const std::function<void(ScriptProcess&)>& during = {}) {
  auto child = interpreter.run(plan.arguments.back(), plan.run_environment);
  REQUIRE(child);
  auto execution = supervise(std::move(child).value(), limits, during);
  REQUIRE(execution);
  return *execution;
}

std::shared_ptr<WarmInterpreter> started(const SpawnPlan& plan) {
  auto interpreter = WarmInterpreter::start(plan);
  REQUIRE(interpreter);
  return interpreter.value();
}

// What a script can see of how it was started, pid aside.
constexpr const char* introspection = R"("""A docstring."""
import atexit, os, pickle, sys
print(__name__, __file__, __doc__, __package__, __spec__, __cached__)
print(sys.argv, sys.orig_argv, sys.path, os.getcwd(), sys.stdin.read() == "")
with open("/proc/self/cmdline", "rb") as cmdline:
    print(cmdline.read().rstrip(b"\0"))
print(sorted(os.environ.items()))
print(os.getpgid(0) == os.getpid(), os.getsid(0) == os.getpid())
print(sorted(os.listdir("/proc/self/fd")))
with open("/proc/self/status") as status:
    print([line for line in status if line.startswith(("SigBlk", "SigIgn", "SigCgt", "Uid", "Gid", "Groups"))])
print(sys.stdout.encoding, sys.stdout.line_buffering, sys.flags)
class Thing:
    pass
print(type(pickle.loads(pickle.dumps(Thing()))).__qualname__)
atexit.register(print, "atexit ran")
)";

}  // namespace

TEST_CASE("a warm run sees what `python <script>` sees", "[warm]") {
  TempDir dir;
  write_file(dir / "probe.py", introspection);
  const SpawnPlan plan = python_plan(dir, "probe.py");
  const auto expected = cold(plan);
  REQUIRE(expected.exit_code == 0);
  REQUIRE(expected.output.find("NOTIFYD_CHECK") != std::string::npos);
  auto interpreter = started(plan);
  for (int run = 0; run < 2; ++run) {
    const auto execution = warm(*interpreter, plan);
    CHECK(execution.status == Status::exited);
    CHECK(execution.exit_code == 0);
    CHECK(execution.output == expected.output);
    CHECK(execution.stderr_tail == expected.stderr_tail);
  }
}

TEST_CASE("a warm run fails the way `python <script>` fails", "[warm]") {
  TempDir dir;
  write_file(dir / "raises.py", "def f():\n    raise ValueError('boom')\nf()\n");
  write_file(dir / "syntax.py", "x = (\n");
  write_file(dir / "exits.py", "import sys\nprint('bye')\nsys.exit(3)\n");
  write_file(dir / "message.py", "raise SystemExit('no data')\n");
  write_file(dir / "killed.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n");
  // Names the script binds are its own, even those of builtins.
  write_file(dir / "thread.py",
             "import threading, time\n"
             "threading.Thread(target=lambda: (time.sleep(0.2), print('from a thread'))).start()\n");
  write_file(dir / "big_exit.py", "import sys\nprint('x' * 100000)\nsys.exit(300)\n");
  write_file(dir / "rebinds.py", "type = 'daily'\nisinstance = SystemExit = BaseException = None\nraise KeyError(type)\n");
  auto interpreter = started(python_plan(dir, "raises.py"));
  for (const char* script :
       {"raises.py", "syntax.py", "exits.py", "message.py", "killed.py", "missing.py", "rebinds.py", "thread.py",
        "big_exit.py"}) {
    INFO(script);
    const SpawnPlan plan = python_plan(dir, script);
    const auto expected = cold(plan);
    const auto execution = warm(*interpreter, plan);
    CHECK(execution.exit_code == expected.exit_code);
    CHECK(execution.output == expected.output);
    CHECK(execution.stderr_tail == expected.stderr_tail);
    CHECK(execution.error == expected.error);
  }
}

TEST_CASE("a file a warm run leaves open for writing is flushed, as at the end of `python <script>`", "[warm]") {
  TempDir dir;
  write_file(dir / "unclosed.py",
             "import os\n"
             "state = open(os.path.join(os.path.dirname(__file__), 'state.txt'), 'w')\n"
             "state.write('last_sent=1')\n"
             "print('{\"notify\": false}')\n");
  const SpawnPlan plan = python_plan(dir, "unclosed.py");
  const auto expected = cold(plan);
  REQUIRE(read_file(dir / "state.txt") == "last_sent=1");
  std::filesystem::remove(dir / "state.txt");
  auto interpreter = started(plan);
  const auto execution = warm(*interpreter, plan);
  CHECK(execution.exit_code == 0);
  CHECK(execution.output == expected.output);
  CHECK(read_file(dir / "state.txt") == "last_sent=1");
}

TEST_CASE("modules in the home directory do not stand in for the interpreter's own", "[warm]") {
  TempDir home;
  for (const char* module : {"select.py", "signal.py", "types.py", "ctypes.py"}) {
    write_file(home / module, "raise ImportError('the home directory was searched')\n");
  }
  std::filesystem::create_directory(home / "checks");
  write_file(home / "checks" / "probe.py", "import sys\nprint(sys.path[0])\n");
  const SpawnPlan plan = python_plan(home, "checks/probe.py");
  const auto expected = cold(plan);
  REQUIRE(expected.exit_code == 0);
  auto interpreter = started(plan);
  const auto execution = warm(*interpreter, plan);
  CHECK(execution.exit_code == 0);
  CHECK(execution.output == expected.output);
  CHECK(execution.stderr_tail.empty());
}

TEST_CASE("a warm run's process group is stopped at the timeout, forked children too", "[warm]") {
  TempDir dir;
  write_file(dir / "hangs.py",
             "import os, time\npid = os.fork()\nif pid == 0:\n    time.sleep(1000)\nprint(pid, flush=True)\n"
             "time.sleep(1000)\n");
  write_file(dir / "stubborn.py", "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(1000)\n");
  auto interpreter = started(python_plan(dir, "hangs.py"));

  const auto hung = warm(*interpreter, python_plan(dir, "hangs.py"), quick_limits(1s));
  CHECK(hung.status == Status::timed_out);
  CHECK(hung.error == "timed out after 1s; its process group was stopped with SIGTERM");
  REQUIRE_FALSE(hung.output.empty());
  CHECK(process_ends(static_cast<pid_t>(std::stol(hung.output))));

  const auto stubborn = warm(*interpreter, python_plan(dir, "stubborn.py"), quick_limits(500ms));
  CHECK(stubborn.status == Status::timed_out);
  CHECK(stubborn.exit_code == 128 + SIGKILL);
  CHECK(stubborn.error.ends_with("was killed with SIGKILL"));
}

TEST_CASE("terminate reaches a warm run through its interpreter", "[warm]") {
  TempDir dir;
  write_file(dir / "sleeps.py", "import time\ntime.sleep(1000)\n");
  auto interpreter = started(python_plan(dir, "sleeps.py"));
  const auto execution = warm(*interpreter, python_plan(dir, "sleeps.py"), quick_limits(),
                              [](ScriptProcess& process) { process.terminate("notifyd is shutting down"); });
  CHECK(execution.error == "notifyd is shutting down (killed by SIGTERM)");
  CHECK(interpreter->alive());
}

TEST_CASE("a warm interpreter that dies takes its runs with it and says so", "[warm]") {
  TempDir dir;
  write_file(dir / "sleeps.py", "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(1000)\n");
  auto interpreter = started(python_plan(dir, "sleeps.py"));
  auto child = interpreter->run((dir / "sleeps.py").string(), {});
  REQUIRE(child);
  const pid_t script = child.value().pid;
  const auto execution = supervise(std::move(child).value(), quick_limits(), [&](ScriptProcess&) {
    std::this_thread::sleep_for(300ms);
    ::kill(interpreter->pid(), SIGKILL);
  });
  REQUIRE(execution);
  CHECK(execution->error == "its warm interpreter exited before the script did");
  CHECK(execution->exit_code == -1);
  CHECK(process_ends(script));
  CHECK_FALSE(interpreter->alive());
  CHECK_FALSE(interpreter->run((dir / "sleeps.py").string(), {}));
}

TEST_CASE("an interpreter stopped by its user is killed after the fork timeout", "[warm]") {
  TempDir dir;
  write_file(dir / "quick.py", "print('{\"notify\": false}')\n");
  auto interpreter = started(python_plan(dir, "quick.py"));
  REQUIRE(::kill(interpreter->pid(), SIGSTOP) == 0);
  const auto started_at = std::chrono::steady_clock::now();
  auto child = interpreter->run((dir / "quick.py").string(), {});
  REQUIRE_FALSE(child);
  CHECK(child.error() == "the warm interpreter did not fork in time; it was stopped and will be replaced");
  CHECK(std::chrono::steady_clock::now() - started_at >= WarmInterpreter::fork_timeout);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (interpreter->alive() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(interpreter->alive());
}

TEST_CASE("the pool keeps one interpreter per user and interpreter, and stops idle ones", "[warm]") {
  TempDir dir;
  write_file(dir / "quick.py", "print('{\"notify\": false}')\n");
  std::vector<std::string> warnings;
  WarmInterpreterPool pool(0ms, [&](const std::string& warning) { warnings.push_back(warning); });
  const SpawnPlan plan = python_plan(dir, "quick.py");
  for (int run = 0; run < 3; ++run) {
    auto child = pool.start(plan);
    REQUIRE(child);
    pool.stop_idle();  // a run is going: kept
    CHECK(pool.size() == 1);
    const auto execution = supervise(std::move(child).value(), quick_limits());
    REQUIRE(execution);
    CHECK(execution->output == "{\"notify\": false}\n");
  }
  SpawnPlan other_home = plan;
  other_home.working_directory = "/";
  REQUIRE(pool.start(other_home));
  CHECK(pool.size() == 2);
  pool.stop_idle();
  CHECK(pool.size() == 0);
  CHECK(warnings.empty());
}

TEST_CASE("the pool replaces an interpreter that died between runs", "[warm]") {
  TempDir dir;
  write_file(dir / "parent.py", "import os\nprint(os.getppid())\n");
  WarmInterpreterPool pool(1h, {});
  const SpawnPlan plan = python_plan(dir, "parent.py");
  auto first = pool.start(plan);
  REQUIRE(first);
  const auto interpreter = static_cast<pid_t>(std::stol(supervise(std::move(first).value(), quick_limits())->output));
  REQUIRE(::kill(interpreter, SIGKILL) == 0);
  REQUIRE(process_ends(interpreter));
  auto second = pool.start(plan);
  REQUIRE(second);
  CHECK(static_cast<pid_t>(std::stol(supervise(std::move(second).value(), quick_limits())->output)) != interpreter);
  CHECK(pool.size() == 1);
}

TEST_CASE("an interpreter that cannot serve is reported once and avoided", "[warm]") {
  TempDir dir;
  write_file(dir / "quick.py", "echo hello\n");
  std::vector<std::string> warnings;
  WarmInterpreterPool pool(1h, [&](const std::string& warning) { warnings.push_back(warning); });
  SpawnPlan plan = python_plan(dir, "quick.py");
  plan.program = "/bin/sh";
  plan.arguments.front() = "/bin/sh";
  CHECK_FALSE(pool.start(plan));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with("the warm /bin/sh for "));
  // It fails on the first request: sent after it exited, or before.
  const bool refused = warnings[0].find("failed: the warm interpreter takes no requests") != std::string::npos;
  const bool exited = warnings[0].find("failed: the warm interpreter exited") != std::string::npos;
  CHECK((refused || exited));
  CHECK(warnings[0].find("; it wrote: ") != std::string::npos);
  CHECK(warnings[0].ends_with("that user's scripts start cold for 1m"));
  CHECK_FALSE(pool.start(plan));
  CHECK(warnings.size() == 1);
  CHECK(pool.size() == 0);

  plan.program = "/nonexistent/python3";
  CHECK_FALSE(pool.start(plan));
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[1].find("cannot execute /nonexistent/python3") != std::string::npos);
}
