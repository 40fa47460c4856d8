#include <catch2/catch.hpp>

#include "notifyd/sdk/duration.hpp"

using namespace std::chrono_literals;
using notifyd::sdk::format_duration;
using notifyd::sdk::parse_duration;

TEST_CASE("durations combine units") {
  CHECK(parse_duration("250ms").value() == 250ms);
  CHECK(parse_duration("30s").value() == 30s);
  CHECK(parse_duration("5m").value() == 5min);
  CHECK(parse_duration("1h30m").value() == 90min);
  CHECK(parse_duration("1d").value() == 24h);
}

TEST_CASE("bad durations are refused with an example") {
  for (const char* bad : {"", "5", "m", "5x", "-1s", "1.5h", "s5"}) {
    INFO(bad);
    auto result = parse_duration(bad);
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.error(), Catch::Contains("e.g."));
  }
}

TEST_CASE("formatting reads back") {
  CHECK(format_duration(90s) == "1m30s");
  CHECK(format_duration(0ms) == "0s");
  CHECK(parse_duration(format_duration(93784005ms)).value() == 93784005ms);
}
