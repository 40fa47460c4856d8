#include <catch2/catch.hpp>

#include <cstdint>

#include "notifyd/sdk/utc_time.hpp"

using notifyd::sdk::format_utc_timestamp;
using notifyd::sdk::SecondFraction;

TEST_CASE("UTC timestamps in the seed's form have no fraction") {
  CHECK(format_utc_timestamp(0, SecondFraction::none) == "1970-01-01T00:00:00Z");
  CHECK(format_utc_timestamp(1'764'079'781'999, SecondFraction::none) == "2025-11-25T14:09:41Z");
  CHECK(format_utc_timestamp(-1, SecondFraction::none) == "1969-12-31T23:59:59Z");
}

TEST_CASE("UTC timestamps with milliseconds round down") {
  CHECK(format_utc_timestamp(0, SecondFraction::milliseconds) == "1970-01-01T00:00:00.000Z");
  CHECK(format_utc_timestamp(-1, SecondFraction::milliseconds) == "1969-12-31T23:59:59.999Z");
  CHECK(format_utc_timestamp(4'102'444'800'000, SecondFraction::milliseconds) == "2100-01-01T00:00:00.000Z");
}

TEST_CASE("UTC timestamps outside years 0 to 9999 are clamped") {
  CHECK(format_utc_timestamp(INT64_MAX, SecondFraction::milliseconds) == "9999-12-31T23:59:59.999Z");
  CHECK(format_utc_timestamp(INT64_MIN, SecondFraction::none) == "0000-01-01T00:00:00Z");
}
