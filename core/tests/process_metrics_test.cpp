#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "process_metrics.hpp"

using notifyd::core::process_metrics;

namespace {

// The value of the unlabelled sample `name`, or -1 when there is none.
double sample(const std::string& text, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(text, match, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
  return std::stod(match[1]);
}

}  // namespace

TEST_CASE("build info names the version and, when known, the commit") {
  const auto with_commit = process_metrics("1.2.3", "abc123");
  CHECK(with_commit.find("# TYPE notifyd_build_info gauge\n") != std::string::npos);
  CHECK(with_commit.find("notifyd_build_info{version=\"1.2.3\",commit=\"abc123\"} 1\n") != std::string::npos);
  CHECK(process_metrics("1.2.3", "").find("notifyd_build_info{version=\"1.2.3\"} 1\n") != std::string::npos);
}

TEST_CASE("process metrics describe this process under Prometheus's standard names") {
  const auto text = process_metrics("1.2.3", "");
  CHECK(sample(text, "process_resident_memory_bytes") > 1024 * 1024);
  CHECK(sample(text, "process_virtual_memory_bytes") >= sample(text, "process_resident_memory_bytes"));
  CHECK(sample(text, "process_cpu_seconds_total") >= 0);
  CHECK(sample(text, "process_max_fds") > 0);

  const double open = sample(text, "process_open_fds");
  CHECK(open >= 3);  // stdin, stdout, stderr at least
  const int extra = ::dup(0);
  REQUIRE(extra >= 0);
  CHECK(sample(process_metrics("1.2.3", ""), "process_open_fds") == open + 1);
  ::close(extra);

  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double started = sample(text, "process_start_time_seconds");
  CHECK(started <= now + 1);
  CHECK(started > now - 24 * 3600);
  CHECK(text.find("# TYPE process_start_time_seconds gauge\n") != std::string::npos);
}
