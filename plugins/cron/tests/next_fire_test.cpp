#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace notifyd::cron;
using namespace notifyd::cron::testing;

TEST_CASE("next fire is strictly after the given instant, on a minute boundary") {
  CHECK(fires("*/5 * * * *", "UTC", "2026-01-01T00:02:30Z", 2) == Times{"2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"});
  CHECK(fires("*/5 * * * *", "UTC", "2026-01-01T00:05:00Z", 1) == Times{"2026-01-01T00:10:00Z"});
  CHECK(fires("59 23 31 12 *", "UTC", "2026-06-01T00:00:00Z", 2) ==
        Times{"2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"});
  CHECK(fires("0 9 * * 1-5", "UTC", "2026-01-02T10:00:00Z", 2) == Times{"2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"});
  CHECK(fires("5/15 * * * *", "UTC", "2026-01-01T00:00:00Z", 5) ==
        Times{"2026-01-01T00:05:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:35:00Z", "2026-01-01T00:50:00Z",
              "2026-01-01T01:05:00Z"});
  CHECK(fires("0 0 1 JAN,jul *", "UTC", "2026-01-01T00:00:00Z", 2) ==
        Times{"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"});
}

TEST_CASE("leap days: Feb 29 schedules wait for leap years, and skip 2100") {
  CHECK(fires("0 0 29 2 *", "UTC", "2025-03-01T00:00:00Z", 2) == Times{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"});
  CHECK(fires("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", 1) == Times{"2104-02-29T00:00:00Z"});
  CHECK(fires("0 0 28-31 2 *", "UTC", "2028-02-27T12:00:00Z", 3) ==
        Times{"2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"});
  CHECK(fires("0 12 29 FEB *", "Europe/Berlin", "2027-01-01T00:00:00Z", 1) == Times{"2028-02-29T11:00:00Z"});
}

TEST_CASE("month ends: day 31 and 30 skip shorter months") {
  CHECK(fires("0 0 31 * *", "UTC", "2026-04-01T00:00:00Z", 3) ==
        Times{"2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"});
  CHECK(fires("0 12 30 * *", "UTC", "2026-02-01T00:00:00Z", 1) == Times{"2026-03-30T12:00:00Z"});
  CHECK(fires("0 0 28-31 * *", "UTC", "2026-04-29T00:00:00Z", 3) ==
        Times{"2026-04-30T00:00:00Z", "2026-05-28T00:00:00Z", "2026-05-29T00:00:00Z"});
  CHECK(fires("@monthly", "UTC", "2026-12-15T00:00:00Z", 2) == Times{"2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"});
}

TEST_CASE("day of month OR day of week when both are restricted") {
  // 2026-01-01 is a Thursday: Fridays and the 13th.
  CHECK(fires("0 0 13 * 5", "UTC", "2026-01-01T00:00:00Z", 4) ==
        Times{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"});
  // `*/2` starts with * so the fields combine with AND: odd days that are Mondays.
  CHECK(fires("0 0 */2 * 1", "UTC", "2026-01-01T00:00:00Z", 4) ==
        Times{"2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-23T00:00:00Z"});
  // Sundays (7) in February plus the 31st, which February lacks.
  CHECK(fires("0 0 31 2 7", "UTC", "2026-01-31T12:00:00Z", 2) == Times{"2026-02-01T00:00:00Z", "2026-02-08T00:00:00Z"});
}

TEST_CASE("@every adds its interval") {
  auto schedule = make_cron_schedule("@every 90s", std::make_shared<const TimeZone>(TimeZone::utc()));
  REQUIRE(schedule.ok());
  CHECK(schedule->next_after(1000) == 1090);
}

TEST_CASE("Europe/Berlin spring forward: 02:00-02:59 on 2026-03-29 does not exist") {
  // A job naming hour 2 runs once, at the jump (03:00 CEST = 01:00Z).
  CHECK(fires("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2) ==
        Times{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"});
  CHECK(fires("0 3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2) ==
        Times{"2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z"});
  // Wildcard jobs (minute or hour starts with *) keep their cadence: 01:30 CET, then 03:30 CEST.
  CHECK(fires("30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 3) ==
        Times{"2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"});
  CHECK(fires("30 */2 * * *", "Europe/Berlin", "2026-03-28T23:00:00Z", 2) ==
        Times{"2026-03-28T23:30:00Z", "2026-03-29T02:30:00Z"});
}

TEST_CASE("Europe/Berlin fall back: 02:00-02:59 on 2026-10-25 happens twice") {
  // A job naming hour 2 runs in the first 02:30 (CEST) only.
  CHECK(fires("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2) ==
        Times{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
  CHECK(fires("30 2 * * *", "Europe/Berlin", "2026-10-25T01:10:00Z", 1) == Times{"2026-10-26T01:30:00Z"});
  // Hourly and every-15-minutes jobs keep their cadence through both hours.
  CHECK(fires("30 * * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", 3) ==
        Times{"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"});
  CHECK(fires("*/15 * * * *", "Europe/Berlin", "2026-10-25T00:50:00Z", 4) ==
        Times{"2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z"});
  CHECK(fires("@daily", "Europe/Berlin", "2026-10-24T12:00:00Z", 2) ==
        Times{"2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"});
}

TEST_CASE("America/New_York: 2026-03-08 skips 02:xx, 2026-11-01 repeats 01:xx") {
  CHECK(fires("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2) ==
        Times{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"});
  CHECK(fires("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2) ==
        Times{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"});
  CHECK(fires("0 * * * *", "America/New_York", "2026-11-01T04:30:00Z", 3) ==
        Times{"2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"});
  CHECK(fires("0 9 * * MON-FRI", "America/New_York", "2026-03-06T15:00:00Z", 2) ==
        Times{"2026-03-09T13:00:00Z", "2026-03-10T13:00:00Z"});
}

TEST_CASE("Saturday to Sunday and Friday to Sunday") {
  // 2026-01-01 is a Thursday.
  CHECK(fires("0 9 * * SAT-SUN", "UTC", "2026-01-01T00:00:00Z", 3) ==
        Times{"2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-10T09:00:00Z"});
  CHECK(fires("0 9 * * FRI-SUN", "UTC", "2026-01-01T00:00:00Z", 4) ==
        Times{"2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-09T09:00:00Z"});
}

// cronie (cron.c, main loop and find_jobs): a job is "wildcard" when its
// minute or hour field starts with `*` (MIN_STAR | HR_STAR), else
// "fixed-time". After a forward jump of 6 min to 3 h it runs the wildcard
// jobs of the new minute, then the fixed-time jobs of every skipped minute
// and of the new one, once each. While the clock is behind its virtual time
// (a fall-back) it runs the wildcard jobs of each minute and no fixed-time
// job. Europe/Berlin 2026: 03-29 01:00Z CET 02:00 -> CEST 03:00;
// 10-25 01:00Z CEST 03:00 -> CET 02:00. America/New_York 2026: 03-08 07:00Z
// EST 02:00 -> EDT 03:00; 11-01 06:00Z EDT 02:00 -> EST 01:00.
TEST_CASE("DST, * 2 * * * (wildcard): never in a skipped hour, every minute of both passes of a repeated one") {
  // Berlin, spring: no 02:xx on 03-29; the next is 02:00 CEST on 03-30.
  CHECK(fires("* 2 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 2) ==
        Times{"2026-03-30T00:00:00Z", "2026-03-30T00:01:00Z"});
  // Berlin, fall: 02:00-02:59 CEST (00:xxZ), then again 02:00-02:59 CET (01:xxZ).
  const auto berlin = fires("* 2 * * *", "Europe/Berlin", "2026-10-24T23:59:00Z", 121);
  REQUIRE(berlin.size() == 121);
  CHECK(berlin[0] == "2026-10-25T00:00:00Z");
  CHECK(berlin[59] == "2026-10-25T00:59:00Z");
  CHECK(berlin[60] == "2026-10-25T01:00:00Z");
  CHECK(berlin[119] == "2026-10-25T01:59:00Z");
  CHECK(berlin[120] == "2026-10-26T01:00:00Z");
  // New York, spring: no 02:xx on 03-08; next 02:00 EDT on 03-09.
  CHECK(fires("* 2 * * *", "America/New_York", "2026-03-08T06:00:00Z", 2) ==
        Times{"2026-03-09T06:00:00Z", "2026-03-09T06:01:00Z"});
  // New York, fall: the repeated hour is 01:xx; 02:xx EST happens once.
  const auto new_york = fires("* 2 * * *", "America/New_York", "2026-11-01T05:00:00Z", 61);
  REQUIRE(new_york.size() == 61);
  CHECK(new_york[0] == "2026-11-01T07:00:00Z");
  CHECK(new_york[59] == "2026-11-01T07:59:00Z");
  CHECK(new_york[60] == "2026-11-02T07:00:00Z");
  // ... and * 1 * * * runs in both passes of it.
  const auto repeated = fires("* 1 * * *", "America/New_York", "2026-11-01T04:59:00Z", 121);
  REQUIRE(repeated.size() == 121);
  CHECK(repeated[0] == "2026-11-01T05:00:00Z");
  CHECK(repeated[60] == "2026-11-01T06:00:00Z");
  CHECK(repeated[119] == "2026-11-01T06:59:00Z");
  CHECK(repeated[120] == "2026-11-02T06:00:00Z");
}

TEST_CASE("DST, */15 2 * * * (wildcard: the minute starts with *)") {
  CHECK(fires("*/15 2 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 2) ==
        Times{"2026-03-30T00:00:00Z", "2026-03-30T00:15:00Z"});
  CHECK(fires("*/15 2 * * *", "Europe/Berlin", "2026-10-24T23:59:00Z", 9) ==
        Times{"2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
              "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z",
              "2026-10-26T01:00:00Z"});
  CHECK(fires("*/15 2 * * *", "America/New_York", "2026-03-08T06:00:00Z", 2) ==
        Times{"2026-03-09T06:00:00Z", "2026-03-09T06:15:00Z"});
  CHECK(fires("*/15 2 * * *", "America/New_York", "2026-11-01T04:00:00Z", 5) ==
        Times{"2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z", "2026-11-01T07:30:00Z", "2026-11-01T07:45:00Z",
              "2026-11-02T07:00:00Z"});
}

TEST_CASE("DST, 45 0-3/1 * * * (fixed-time, though the hour has a step)") {
  // Berlin, spring: 00:45 CET, 01:45 CET, 02:45 skipped -> at the jump (03:00 CEST), 03:45 CEST, 00:45 CEST.
  CHECK(fires("45 0-3/1 * * *", "Europe/Berlin", "2026-03-28T23:00:00Z", 5) ==
        Times{"2026-03-28T23:45:00Z", "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:45:00Z",
              "2026-03-29T22:45:00Z"});
  // Berlin, fall: 00:45, 01:45, 02:45 CEST; not 02:45 CET; 03:45 CET; 00:45 CET.
  CHECK(fires("45 0-3/1 * * *", "Europe/Berlin", "2026-10-24T22:00:00Z", 5) ==
        Times{"2026-10-24T22:45:00Z", "2026-10-24T23:45:00Z", "2026-10-25T00:45:00Z", "2026-10-25T02:45:00Z",
              "2026-10-25T23:45:00Z"});
  // New York, spring: 00:45, 01:45 EST, 02:45 skipped -> 03:00 EDT, 03:45 EDT, 00:45 EDT.
  CHECK(fires("45 0-3/1 * * *", "America/New_York", "2026-03-08T05:00:00Z", 5) ==
        Times{"2026-03-08T05:45:00Z", "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:45:00Z",
              "2026-03-09T04:45:00Z"});
  // New York, fall: 00:45, 01:45 EDT; not 01:45 EST; 02:45, 03:45 EST; 00:45 EST.
  CHECK(fires("45 0-3/1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 5) ==
        Times{"2026-11-01T04:45:00Z", "2026-11-01T05:45:00Z", "2026-11-01T07:45:00Z", "2026-11-01T08:45:00Z",
              "2026-11-02T05:45:00Z"});
}

TEST_CASE("DST, 15 1-3/2 * * * (fixed-time: hours 1 and 3)") {
  // Berlin, spring: 01:15 CET, 03:15 CEST; nothing of it was skipped.
  CHECK(fires("15 1-3/2 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 3) ==
        Times{"2026-03-29T00:15:00Z", "2026-03-29T01:15:00Z", "2026-03-29T23:15:00Z"});
  // Berlin, fall: 01:15 CEST, 03:15 CET; the repeated hour is 02.
  CHECK(fires("15 1-3/2 * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", 3) ==
        Times{"2026-10-24T23:15:00Z", "2026-10-25T02:15:00Z", "2026-10-26T00:15:00Z"});
  // New York, spring: 01:15 EST, 03:15 EDT.
  CHECK(fires("15 1-3/2 * * *", "America/New_York", "2026-03-08T06:00:00Z", 3) ==
        Times{"2026-03-08T06:15:00Z", "2026-03-08T07:15:00Z", "2026-03-09T05:15:00Z"});
  // New York, fall: 01:15 EDT once (not 01:15 EST), 03:15 EST.
  CHECK(fires("15 1-3/2 * * *", "America/New_York", "2026-11-01T05:00:00Z", 3) ==
        Times{"2026-11-01T05:15:00Z", "2026-11-01T08:15:00Z", "2026-11-02T06:15:00Z"});
}

TEST_CASE("Australia/Lord_Howe: DST shifts by 30 minutes") {
  // 2026-10-04 02:00 (+10:30) becomes 02:30 (+11); 02:15 does not exist.
  CHECK(fires("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 2) ==
        Times{"2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"});
  CHECK(fires("45 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 1) == Times{"2026-10-03T15:45:00Z"});
  // 2026-04-05 02:00 (+11) becomes 01:30 (+10:30); 01:45 happens twice and runs once.
  CHECK(fires("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 2) ==
        Times{"2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"});
  CHECK(fires("*/20 * * * *", "Australia/Lord_Howe", "2026-04-04T14:30:00Z", 3) ==
        Times{"2026-04-04T14:40:00Z", "2026-04-04T15:10:00Z", "2026-04-04T15:30:00Z"});
}

TEST_CASE("after the last transition in the file, the TZ footer rule applies") {
  // 2060-03-28 is the last Sunday of March 2060; 2060-10-31 the last of October.
  CHECK(fires("30 2 * * *", "Europe/Berlin", "2060-03-27T12:00:00Z", 2) ==
        Times{"2060-03-28T01:00:00Z", "2060-03-29T00:30:00Z"});
  CHECK(fires("30 2 * * *", "Europe/Berlin", "2060-10-30T12:00:00Z", 2) ==
        Times{"2060-10-31T00:30:00Z", "2060-11-01T01:30:00Z"});
}

TEST_CASE("a CRON_TZ prefix overrides the default zone") {
  CHECK(fires("CRON_TZ=America/New_York 0 9 * * *", "Europe/Berlin", "2026-01-05T00:00:00Z", 1) ==
        Times{"2026-01-05T14:00:00Z"});
  auto unknown = make_cron_schedule("CRON_TZ=Mars/Olympus 0 9 * * *", zone("UTC"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().starts_with("time zone at column 9: unknown time zone \"Mars/Olympus\": "));
}
