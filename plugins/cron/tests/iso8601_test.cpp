#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace notifyd::cron;
using namespace notifyd::cron::testing;

TEST_CASE("instants with an offset or Z") {
  const auto utc = TimeZone::utc();
  CHECK(parse_instant("2026-03-29T01:00:00Z", utc).value() == 1774746000);
  CHECK(parse_instant("2026-03-29T03:00:00+02:00", utc).value() == 1774746000);
  CHECK(parse_instant("2026-03-29T03:00+0200", utc).value() == 1774746000);
  CHECK(parse_instant("2026-03-28T20:00:00-05:00", utc).value() == 1774746000);
  CHECK(parse_instant("2026-03-29 01:00:00.750Z", utc).value() == 1774746000);
  CHECK(parse_instant("2026-03-29T01:00Z", utc).value() == 1774746000);
}

TEST_CASE("instants without an offset are wall times in the given zone") {
  const auto berlin = zone("Europe/Berlin");
  CHECK(utc_text(parse_instant("2026-01-15T09:00", *berlin).value()) == "2026-01-15T08:00:00Z");
  CHECK(utc_text(parse_instant("2026-03-29", *berlin).value()) == "2026-03-28T23:00:00Z");
  // Skipped by the spring-forward: the moment of the jump.
  CHECK(utc_text(parse_instant("2026-03-29T02:30", *berlin).value()) == "2026-03-29T01:00:00Z");
  // Repeated by the fall-back: the first of the two.
  CHECK(utc_text(parse_instant("2026-10-25T02:30:00", *berlin).value()) == "2026-10-25T00:30:00Z");
}

TEST_CASE("malformed instants are refused") {
  const auto utc = TimeZone::utc();
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-02-28T24:00", "2026-02-28T10", "26-02-28",
                          "2026-02-28T10:00:00+5", "2026-02-28T10:00:00 Z", "tomorrow", "1969-12-31T00:00:00Z",
                          "2026-02-28T10:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_instant(bad, utc).ok());
  }
  CHECK(parse_instant("tomorrow", utc).error() == "\"tomorrow\" is not an ISO-8601 time such as 2026-03-29T01:00:00Z");
  CHECK(parse_instant("2026-02-30", utc).error() == "\"2026-02-30\" is not a valid date (years 1970-9999)");
}
