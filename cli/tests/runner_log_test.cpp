#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "runner_log.hpp"

using namespace notifyctl;

TEST_CASE("a runner.log line is the old runner's: local time with milliseconds, [notify-runner], level, one line", "[runner_log]") {
  const char* previous = std::getenv("TZ");
  const std::string saved = previous ? previous : "";
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  using std::chrono::milliseconds;
  const std::chrono::system_clock::time_point sent_at{milliseconds{1796601856128}};
  const std::string sent = runner_log_line(sent_at, "INFO", "data_freshness: notification sent");
  const std::string error = runner_log_line(std::chrono::system_clock::time_point{milliseconds{7}}, "ERROR", "a\nb\r");
  const std::string warning = runner_log_line(std::chrono::system_clock::time_point{milliseconds{-1}}, "WARNING", "w");
  if (previous) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  CHECK(sent == "2026-12-07 00:04:16,128 [notify-runner] INFO: data_freshness: notification sent\n");
  CHECK(error == "1970-01-01 00:00:00,007 [notify-runner] ERROR: a\\nb\n");
  CHECK(warning == "1969-12-31 23:59:59,999 [notify-runner] WARNING: w\n");
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
