#include <catch2/catch.hpp>

#include <cstdint>

#include "notifyd/sdk/utc_time.hpp"

using notifyd::sdk::format_utc_readable;
using notifyd::sdk::format_utc_timestamp;
using notifyd::sdk::now_epoch_ms;
using notifyd::sdk::parse_utc_timestamp;
using notifyd::sdk::SecondFraction;

TEST_CASE("UTC timestamps in the seed's form have no fraction") {
  CHECK(format_utc_timestamp(0, SecondFraction::none) == "1970-01-01T00:00:00Z");
  CHECK(format_utc_timestamp(1'764'079'781'999, SecondFraction::none) == "2025-11-25T14:09:41Z");
  CHECK(format_utc_timestamp(-1, SecondFraction::none) == "1969-12-31T23:59:59Z");
}

TEST_CASE("UTC timestamps with milliseconds round down") {
  CHECK(format_utc_timestamp(0, SecondFraction::milliseconds) == "1970-01-01T00:00:00.000Z");
  CHECK(format_utc_timestamp(1'714'564'800'123, SecondFraction::milliseconds) == "2024-05-01T12:00:00.123Z");
  CHECK(format_utc_timestamp(-1, SecondFraction::milliseconds) == "1969-12-31T23:59:59.999Z");
  CHECK(format_utc_timestamp(4'102'444'800'000, SecondFraction::milliseconds) == "2100-01-01T00:00:00.000Z");
}

TEST_CASE("UTC timestamps outside years 0 to 9999 are clamped") {
  CHECK(format_utc_timestamp(INT64_MAX, SecondFraction::milliseconds) == "9999-12-31T23:59:59.999Z");
  CHECK(format_utc_timestamp(INT64_MIN, SecondFraction::none) == "0000-01-01T00:00:00Z");
}

TEST_CASE("Readable UTC times show the minute") {
  CHECK(format_utc_readable(0) == "1970-01-01 00:00 UTC");
  CHECK(format_utc_readable(1'796'605'689'123) == "2026-12-07 01:08 UTC");
  CHECK(format_utc_readable(1'764'079'781'999) == "2025-11-25 14:09 UTC");
  CHECK(format_utc_readable(-1) == "1969-12-31 23:59 UTC");
  CHECK(format_utc_readable(INT64_MAX) == "9999-12-31 23:59 UTC");
}

TEST_CASE("ISO-8601 times parse to epoch milliseconds") {
  CHECK(parse_utc_timestamp("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41Z") == 1'764'079'781'000);
  CHECK(parse_utc_timestamp("2026-12-07T01:08:09.123Z") == 1'796'605'689'123);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41.5Z") == 1'764'079'781'500);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41.123456Z") == 1'764'079'781'123);
  CHECK(parse_utc_timestamp("1969-12-31T23:59:59.999Z") == -1);
  CHECK(parse_utc_timestamp("2024-02-29T00:00:00Z") == 1'709'164'800'000);
}

TEST_CASE("ISO-8601 times with a space, an offset or no zone parse as the seed writes them") {
  CHECK(parse_utc_timestamp("2025-11-25 14:09:41Z") == 1'764'079'781'000);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41") == 1'764'079'781'000);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41.123456") == 1'764'079'781'123);
  CHECK(parse_utc_timestamp("2025-11-25T14:09:41+00:00") == 1'764'079'781'000);
  CHECK(parse_utc_timestamp("2025-11-25T16:09:41.250+02:00") == 1'764'079'781'250);
  CHECK(parse_utc_timestamp("2025-11-25T09:39:41-04:30") == 1'764'079'781'000);
}

TEST_CASE("Malformed ISO-8601 times are refused") {
  CHECK_FALSE(parse_utc_timestamp(""));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25"));
  CHECK_FALSE(parse_utc_timestamp("2025-13-25T14:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-02-29T14:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-00T14:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T24:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:60:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:09:41.Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:09:41Zjunk"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:09:41+0200"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:09:41+02"));
  CHECK_FALSE(parse_utc_timestamp("2025/11/25T14:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25X14:09:41Z"));
  CHECK_FALSE(parse_utc_timestamp("2025-11-25T14:09:4Z"));
}

TEST_CASE("Formatted timestamps parse back to the same instant") {
  for (const std::int64_t ms : {std::int64_t{0}, std::int64_t{1'796'605'689'123}, std::int64_t{-86'400'001}}) {
    CHECK(parse_utc_timestamp(format_utc_timestamp(ms, SecondFraction::milliseconds)) == ms);
  }
}

TEST_CASE("The current time is after the code was written") {
  const std::int64_t first = now_epoch_ms();
  CHECK(first > 1'796'000'000'000);
  CHECK(now_epoch_ms() >= first);
}
