#include <catch2/catch.hpp>

#include "exec_settings.hpp"
#include "test_support.hpp"

using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;

namespace {

std::string error_for(std::map<std::string, notifyd::sdk::ConfigValue> overrides) {
  if (!overrides.count("users")) overrides["users"] = std::vector<std::string>{"alice"};
  auto settings = read_exec_settings(make_config(overrides));
  return settings ? "" : settings.error();
}

}  // namespace

TEST_CASE("the defaults are the seed's", "[settings]") {
  auto settings = read_exec_settings(make_config({{"users", std::vector<std::string>{"alice"}}}));
  REQUIRE(settings);
  CHECK(settings->pattern.file_glob == "*.py");
  CHECK(settings->pattern.relative_to_home);
  CHECK(settings->interpreter == "/usr/bin/python3");
  CHECK(settings->timeout == 60s);
  CHECK(settings->kill_grace == 5s);
  CHECK(settings->max_output == 1 << 20);
  CHECK(settings->max_stderr == 64 << 10);
  CHECK(settings->rescan_interval == 30s);
  CHECK(settings->max_children == 16);
  CHECK(settings->path_env == "/usr/local/bin:/usr/bin:/bin");
  CHECK(settings->lang == "C.UTF-8");
  CHECK(settings->schedule.empty());
  CHECK(settings->cgroups);
}

TEST_CASE("mistakes are reported one per line", "[settings]") {
  CHECK(error_for({{"users", std::vector<std::string>{}}}).find("neither users_group nor users") != std::string::npos);
  CHECK(error_for({{"users", std::vector<std::string>{"a/b"}}}) == "users: \"a/b\" is not a user name");
  CHECK(error_for({{"pattern", std::string("notifications/*.py")}}).starts_with("pattern: "));
  CHECK(error_for({{"interpreter", std::string("python3")}}) == "interpreter: \"python3\" is not an absolute path");
  CHECK(error_for({{"timeout", 0ms}}).starts_with("timeout: "));
  CHECK(error_for({{"kill_grace", 0ms}}).starts_with("kill_grace: "));
  CHECK(error_for({{"rescan_interval", 10ms}}).starts_with("rescan_interval: "));
  CHECK(error_for({{"max_output", std::int64_t{2 << 20}}}).starts_with("max_output: "));
  CHECK(error_for({{"max_stderr", std::int64_t{-1}}}).starts_with("max_stderr: "));
  CHECK(error_for({{"max_children", std::int64_t{0}}}).starts_with("max_children: "));
  CHECK(error_for({{"lang", std::string("C\n")}}) == "lang: contains a control character");
  CHECK(error_for({{"users_group", std::string("staff")}, {"users", std::vector<std::string>{}}}).empty());
}
