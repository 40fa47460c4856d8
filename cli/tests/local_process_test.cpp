#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "local_process.hpp"

using namespace notifyctl;
using namespace std::chrono_literals;

namespace {

// Runs shell `code` as the "script" (sh reads it from a file).
LocalRun run_code(const std::string& code, LocalLimits limits = {}, std::vector<std::string> environment = {}) {
  char pattern[] = "/tmp/nd-cli-script-XXXXXX";
  const int fd = ::mkstemp(pattern);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(pattern) << code;
  LocalRun run = run_local_script("/bin/sh", pattern, "/tmp", environment, limits);
  ::unlink(pattern);
  return run;
}

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && line[paren + 2] != 'Z';
}

}  // namespace

TEST_CASE("a local run reports exit status, stdout and stderr", "[local_process]") {
  const LocalRun run = run_code("pwd; echo \"$NOTIFYD_CHECK\"; echo warn >&2; exit 2", {}, {"NOTIFYD_CHECK=disk"});
  CHECK(run.status == LocalRun::Status::exited);
  CHECK(run.exit_code == 2);
  CHECK(run.output == "/tmp\ndisk\n");
  CHECK(run.stderr_tail == "warn\n");
}

TEST_CASE("a local run inherits the caller's environment", "[local_process]") {
  ::setenv("ND_LOCAL_TEST", "kept", 1);
  CHECK(run_code("echo $ND_LOCAL_TEST").output == "kept\n");
  CHECK(run_code("echo $ND_LOCAL_TEST", {}, {"ND_LOCAL_TEST=replaced"}).output == "replaced\n");
  ::unsetenv("ND_LOCAL_TEST");
}

TEST_CASE("a local run's stdout is capped and its stderr keeps the tail", "[local_process]") {
  LocalLimits limits;
  limits.max_output = 100;
  limits.max_stderr = 10;
  const LocalRun run = run_code("head -c 3000000 /dev/zero; echo 0123456789abcdef >&2", limits);
  CHECK(run.exit_code == 0);
  CHECK(run.output.size() == 100);
  CHECK(run.output_truncated);
  CHECK(run.stderr_tail == "789abcdef\n");
}

TEST_CASE("a local run is stopped with its whole group at the timeout", "[local_process]") {
  LocalLimits limits;
  limits.timeout = 300ms;
  limits.kill_grace = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const LocalRun run = run_code("trap '' TERM; sleep 1000 & echo $!; sleep 1000", limits);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(run.status == LocalRun::Status::timed_out);
  CHECK(run.exit_code == 128 + SIGKILL);
  CHECK(run.error.find("killed with SIGKILL") != std::string::npos);
  CHECK_FALSE(alive(std::stoi(run.output)));
}

TEST_CASE("a local run that cannot start says why", "[local_process]") {
  const LocalRun run = run_local_script("/nonexistent/python3", "/x.py", "/tmp", {}, {});
  CHECK(run.status == LocalRun::Status::failed_to_start);
  CHECK(run.error == "cannot execute /nonexistent/python3: No such file or directory");
  CHECK(run_local_script("/bin/sh", "/x.py", "/nonexistent", {}, {}).error ==
        "cannot enter /nonexistent: No such file or directory");
}
