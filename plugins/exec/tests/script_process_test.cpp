#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>

#include "child_spawn.hpp"
#include "script_process.hpp"
#include "test_support.hpp"

using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;
using Status = notifyd::sdk::CheckExecution::Status;

namespace {

SpawnPlan shell(const std::string& script) {
  SpawnPlan plan;
  plan.program = "/bin/sh";
  plan.arguments = {"/bin/sh", "-c", script};
  plan.environment = {"PATH=/usr/bin:/bin", "FOO=bar"};
  plan.working_directory = "/tmp";
  return plan;
}

/// Spawns `plan`, optionally lets `during` act on the running process, and returns what it reported.
notifyd::sdk::CheckExecution run(const SpawnPlan& plan, ProcessLimits limits,
                                 const std::function<void(ScriptProcess&)>& during = {}) {
  auto child = spawn_child(plan);
  REQUIRE(child);
  auto execution = supervise(std::move(child).value(), limits, during);
  REQUIRE(execution);
  return *execution;
}

pid_t first_line_pid(const std::string& output) { return static_cast<pid_t>(std::stol(output.substr(0, output.find('\n')))); }

}  // namespace

TEST_CASE("a script's exit code, stdout and stderr are reported", "[process]") {
  const auto execution = run(shell("echo '{\"notify\": false}'; echo oops >&2; exit 3"), quick_limits());
  CHECK(execution.status == Status::exited);
  CHECK(execution.exit_code == 3);
  CHECK(execution.output == "{\"notify\": false}\n");
  CHECK(execution.stderr_tail == "oops\n");
  CHECK_FALSE(execution.output_truncated);
  CHECK(execution.error.empty());
}

TEST_CASE("the child gets exactly the planned environment, directory and stdin", "[process]") {
  const auto execution = run(shell("pwd; env | sort; cat; echo end"), quick_limits());
  CHECK(execution.exit_code == 0);
  CHECK(execution.output.starts_with("/tmp\n"));
  CHECK(execution.output.find("FOO=bar\n") != std::string::npos);
  CHECK(execution.output.find("HOME=") == std::string::npos);
  CHECK(execution.output.ends_with("end\n"));
}

TEST_CASE("the child has no descriptors but 0, 1 and 2, and a session of its own", "[process]") {
  const auto execution = run(shell("ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; echo $$ $(cut -d' ' -f5,6 /proc/$$/stat)"), quick_limits());
  CHECK(execution.output.starts_with("0 1 2 3 \n"));  // 3 is ls's own directory handle
  const auto numbers = execution.output.substr(execution.output.find('\n') + 1);
  long pid = 0, pgid = 0, sid = 0;
  REQUIRE(std::sscanf(numbers.c_str(), "%ld %ld %ld", &pid, &pgid, &sid) == 3);
  CHECK(pgid == pid);
  CHECK(sid == pid);
}

TEST_CASE("signal dispositions and the mask are reset", "[process]") {
  ::signal(SIGPIPE, SIG_IGN);
  const auto execution = run(shell("grep -E '^Sig(Ign|Blk)' /proc/self/status"), quick_limits());
  ::signal(SIGPIPE, SIG_DFL);
  CHECK(execution.output == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_CASE("stdout beyond the cap is read and dropped", "[process]") {
  ProcessLimits limits = quick_limits();
  limits.max_output = 1024;
  const auto execution = run(shell("head -c 10000000 /dev/zero; echo done >&2"), limits);
  CHECK(execution.status == Status::exited);
  CHECK(execution.exit_code == 0);
  CHECK(execution.output.size() == 1024);
  CHECK(execution.output_truncated);
  CHECK(execution.stderr_tail == "done\n");
}

TEST_CASE("only the tail of stderr is kept", "[process]") {
  ProcessLimits limits = quick_limits();
  limits.max_stderr = 100;
  const auto execution = run(shell("i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo line$i >&2; done"), limits);
  CHECK(execution.stderr_tail.size() <= 100);
  CHECK(execution.stderr_tail.ends_with("line2999\nline3000\n"));
  CHECK(execution.stderr_tail.starts_with("line"));
}

TEST_CASE("a script killed by a signal reports 128 + the signal", "[process]") {
  const auto execution = run(shell("kill -SEGV $$"), quick_limits());
  CHECK(execution.status == Status::exited);
  CHECK(execution.exit_code == 128 + SIGSEGV);
  CHECK(execution.error == "killed by SIGSEGV");
}

TEST_CASE("at the timeout the whole process group gets SIGTERM", "[process]") {
  const auto started = std::chrono::steady_clock::now();
  const auto execution = run(shell("sleep 1000 & echo $!; sleep 1000"), quick_limits(300ms));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(execution.status == Status::timed_out);
  CHECK(execution.error == "timed out after 300ms; its process group was stopped with SIGTERM");
  CHECK(execution.exit_code == 128 + SIGTERM);
  CHECK(elapsed < 5s);
  CHECK(process_ends(first_line_pid(execution.output)));
}

TEST_CASE("a group that ignores SIGTERM is killed after the grace period", "[process]") {
  const auto started = std::chrono::steady_clock::now();
  const auto execution = run(shell("trap '' TERM; sleep 1000 & echo $!; sleep 1000"), quick_limits(300ms));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(execution.status == Status::timed_out);
  CHECK(execution.error == "timed out after 300ms; it ignored SIGTERM for 300ms and was killed with SIGKILL");
  CHECK(execution.exit_code == 128 + SIGKILL);
  CHECK(elapsed >= 600ms);
  CHECK(elapsed < 5s);
  CHECK(process_ends(first_line_pid(execution.output)));
}

TEST_CASE("what a finished script leaves in its group is killed", "[process]") {
  const auto execution = run(shell("sleep 1000 >/dev/null 2>&1 & echo $!"), quick_limits());
  CHECK(execution.exit_code == 0);
  CHECK(process_ends(first_line_pid(execution.output)));
}

TEST_CASE("a descendant that escaped the group cannot hold the run open", "[process]") {
  const auto started = std::chrono::steady_clock::now();
  const auto execution = run(shell("setsid sleep 1000 & echo $!"), quick_limits());
  CHECK(execution.exit_code == 0);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  ::kill(first_line_pid(execution.output), SIGKILL);
}

TEST_CASE("terminate stops a running script with a reason", "[process]") {
  const auto execution =
      run(shell("echo started; sleep 1000"), quick_limits(), [](ScriptProcess& process) { process.terminate("notifyd is shutting down"); });
  CHECK(execution.status == Status::exited);
  CHECK(execution.error == "notifyd is shutting down (killed by SIGTERM)");
}

TEST_CASE("failures before exec are reported as one line", "[process]") {
  SpawnPlan missing = shell("true");
  missing.program = "/nonexistent/python3";
  auto failed = spawn_child(missing);
  REQUIRE_FALSE(failed);
  CHECK(failed.error() == "cannot execute /nonexistent/python3: No such file or directory");

  SpawnPlan no_home = shell("true");
  no_home.working_directory = "/nonexistent/home";
  failed = spawn_child(no_home);
  REQUIRE_FALSE(failed);
  CHECK(failed.error() == "cannot enter the working directory /nonexistent/home: No such file or directory");
}

TEST_CASE("as root, the child becomes the planned user with its groups", "[process]") {
  if (::geteuid() != 0) {
    WARN("not root: identity switching is not tested");
    return;
  }
  SpawnPlan plan = shell("id -u; id -g; id -G");
  plan.identity = ChildIdentity{65534, 65534, {65534, 100}};
  const auto execution = run(plan, quick_limits());
  CHECK(execution.exit_code == 0);
  CHECK(execution.output == "65534\n65534\n65534 100\n");
}

TEST_CASE("many runs at once all report", "[process]") {
  IoThread io;
  constexpr int runs = 24;
  std::vector<std::shared_ptr<Awaited<notifyd::sdk::CheckExecution>>> results;
  for (int i = 0; i < runs; ++i) {
    auto child = spawn_child(shell("echo " + std::to_string(i)));
    REQUIRE(child);
    auto result = std::make_shared<Awaited<notifyd::sdk::CheckExecution>>();
    auto process = std::make_shared<ScriptProcess>(io.io, std::move(child).value(), quick_limits());
    process->start([result](notifyd::sdk::CheckExecution execution) { result->set(std::move(execution)); });
    results.push_back(result);
  }
  for (int i = 0; i < runs; ++i) {
    auto execution = results[i]->wait();
    REQUIRE(execution);
    CHECK(execution->output == std::to_string(i) + "\n");
  }
}
