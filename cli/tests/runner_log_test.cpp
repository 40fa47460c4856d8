#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "runner_log.hpp"

using namespace notifyctl;

TEST_CASE("a runner.log line has a local timestamp, a level and one line of text", "[runner_log]") {
  const char* previous = std::getenv("TZ");
  const std::string saved = previous ? previous : "";
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  const std::string sent = runner_log_line(1764079781, "INFO", "disk: sent (notification 4)");
  const std::string error = runner_log_line(0, "ERROR", "a\nb\r");
  if (previous) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  CHECK(sent == "2025-11-25 14:09:41 INFO disk: sent (notification 4)\n");
  CHECK(error == "1970-01-01 00:00:00 ERROR a\\nb\n");
}

TEST_CASE("runner.log is appended to, its directory created", "[runner_log]") {
  char pattern[] = "/tmp/nd-cli-log-XXXXXX";
  REQUIRE(::mkdtemp(pattern));
  const std::filesystem::path dir = pattern;
  const auto path = dir / "logs" / "runner.log";
  CHECK(append_runner_log(path, "one\n").empty());
  CHECK(append_runner_log(path, "two\n").empty());
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(text == "one\ntwo\n");
  CHECK(append_runner_log("/proc/nope/runner.log", "x\n").starts_with("cannot create /proc/nope"));
  std::filesystem::remove_all(dir);
}
