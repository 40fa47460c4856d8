#include <catch2/catch.hpp>

#include "cron_settings.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/problem_lines.hpp"

using namespace notifyd;
using namespace notifyd::cron;

TEST_CASE("every wrong key is reported at once, one line each starting with the key") {
  const auto settings = read_cron_settings(testing::plugin_config(
      describe_cron_settings, {{"time_zone", std::string("Mars/Olympus")},
                               {"default_schedule", std::string("61 * * * *")},
                               {"jitter", std::chrono::milliseconds{25LL * 3600 * 1000}}}));
  REQUIRE_FALSE(settings.ok());
  const auto lines = testing::problem_lines(settings.error());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "time_zone: unknown time zone \"Mars/Olympus\": /usr/share/zoneinfo/Mars/Olympus does not exist");
  CHECK(lines[1].starts_with("default_schedule: \"61 * * * *\": "));
  CHECK(lines[2] == "jitter: must be between 0s and 24h");
}

TEST_CASE("a valid table reads without problems") {
  const auto settings = read_cron_settings(testing::plugin_config(
      describe_cron_settings, {{"time_zone", std::string("UTC")}, {"jitter", std::chrono::milliseconds{5000}}}));
  REQUIRE(settings.ok());
  CHECK(settings.value().default_schedule == "*/5 * * * *");
  CHECK(settings.value().jitter == std::chrono::seconds{5});
  CHECK(settings.value().refresh_interval == std::chrono::seconds{30});
}
