#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <sstream>

#include "child_spawn.hpp"
#include "run_processes.hpp"
#include "test_support.hpp"
#include "warm_interpreter.hpp"

using namespace notifyd;
using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* python = "/usr/bin/python3";

// Starts a process in a session of its own (setsid(1), executed) and a
// double-forked grandchild (no exec) that detaches from the run's pipes,
// prints both pids, and exits.
constexpr const char* leaves_processes_behind = R"(import os, subprocess, time
escaped = subprocess.Popen(["setsid", "sleep", "1000"])
reader, writer = os.pipe()
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(writer, str(os.getpid()).encode())
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        time.sleep(1000)
    os._exit(0)
os.waitpid(child, 0)
os.close(writer)
print(escaped.pid, int(os.read(reader, 32)))
)";

// A run id no other test process uses at the same time.
std::uint64_t unique_run_id() {
  static std::atomic<std::uint64_t> next{1};
  return static_cast<std::uint64_t>(::getpid()) * 1000 + next++;
}

SpawnPlan python_plan(const TempDir& dir, std::uint64_t run_id) {
  SpawnPlan plan;
  plan.program = python;
  plan.arguments = {python, (dir / "leaves.py").string()};
  plan.environment = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + dir.path().string()};
  plan.run_environment = {"NOTIFYD_CHECK=leaves", "NOTIFYD_RUN_ID=" + std::to_string(run_id)};
  plan.working_directory = dir.path().string();
  return plan;
}

std::unique_ptr<RunProcesses> marked(std::uint64_t run_id) {
  return RunProcesses::by_marker(current_user(), ::geteuid(), run_id);
}

std::optional<RunCgroupRoot> cgroup_root() {
  std::string why_not;
  auto root = RunCgroupRoot::detect(why_not);
  if (!root) WARN("cgroup cases skipped: " << why_not);
  return root;
}

// Checks that the processes leaves.py reported (its stdout) ended with its run.
void check_nothing_left(const std::optional<sdk::CheckExecution>& execution) {
  REQUIRE(execution);
  INFO(execution->stderr_tail);
  REQUIRE(execution->exit_code == 0);
  std::istringstream pids(execution->output);
  long escaped = 0, grandchild = 0;
  pids >> escaped >> grandchild;
  REQUIRE(escaped > 0);
  REQUIRE(grandchild > 0);
  CHECK(process_ends(static_cast<pid_t>(escaped)));
  CHECK(process_ends(static_cast<pid_t>(grandchild)));
  ::kill(static_cast<pid_t>(escaped), SIGKILL);
  ::kill(static_cast<pid_t>(grandchild), SIGKILL);
}

// Runs leaves.py cold (spawn_child) or warm, with `processes`.
void check_cold(const TempDir& dir, std::uint64_t run_id, std::unique_ptr<RunProcesses> processes) {
  SpawnPlan plan = python_plan(dir, run_id);
  plan.cgroup_procs_fd = processes->cgroup_procs_fd();
  auto child = spawn_child(plan);
  REQUIRE(child);
  check_nothing_left(supervise(std::move(child).value(), quick_limits(), {}, std::move(processes)));
}

void check_warm(const TempDir& dir, std::uint64_t run_id, std::unique_ptr<RunProcesses> processes) {
  const SpawnPlan plan = python_plan(dir, run_id);
  auto interpreter = WarmInterpreter::start(plan);
  REQUIRE(interpreter);
  auto child = interpreter.value()->run(plan.arguments.back(), plan.run_environment, processes->cgroup_procs_fd());
  REQUIRE(child);
  check_nothing_left(supervise(std::move(child).value(), quick_limits(), {}, std::move(processes)));
  CHECK(interpreter.value()->alive());
}

}  // namespace

TEST_CASE("a setsid process and a double-forked grandchild end with their run (marker)", "[run_processes]") {
  TempDir dir;
  write_file(dir / "leaves.py", leaves_processes_behind);
  SECTION("cold") {
    const auto id = unique_run_id();
    check_cold(dir, id, marked(id));
  }
  SECTION("warm: what a warm run forks carries the marker too") {
    const auto id = unique_run_id();
    check_warm(dir, id, marked(id));
  }
}

TEST_CASE("a setsid process and a double-forked grandchild end with their run (cgroup)", "[run_processes]") {
  const auto root = cgroup_root();
  if (!root) return;
  TempDir dir;
  write_file(dir / "leaves.py", leaves_processes_behind);
  for (const bool warm : {false, true}) {
    INFO((warm ? "warm" : "cold"));
    const auto id = unique_run_id();
    auto processes = RunProcesses::in_cgroup(*root, id);
    REQUIRE(processes);
    const std::string cgroup = root->path() + "/notifyd-run-" + std::to_string(::getpid()) + "-" + std::to_string(id);
    struct stat info {};
    REQUIRE(::stat(cgroup.c_str(), &info) == 0);
    if (warm) {
      check_warm(dir, id, std::move(processes).value());
    } else {
      check_cold(dir, id, std::move(processes).value());
    }
    CHECK(::stat(cgroup.c_str(), &info) != 0);  // removed with the run
  }
}

TEST_CASE("the marker matches only the run's own processes", "[run_processes]") {
  const auto id = unique_run_id();
  auto processes = marked(id);
  SpawnPlan other;
  other.program = "/bin/sleep";
  other.arguments = {"/bin/sleep", "1000"};
  other.environment = {"NOTIFYD_RUN_ID=" + std::to_string(id) + "0", "NOTIFYD_RUN_ID_X=" + std::to_string(id)};
  other.working_directory = "/";
  auto unrelated = spawn_child(other);
  REQUIRE(unrelated);
  CHECK(processes->kill_all() == 0);
  CHECK(process_alive(unrelated.value().pid));
  ::kill(unrelated.value().pid, SIGKILL);
  ::waitpid(unrelated.value().pid, nullptr, 0);
}
