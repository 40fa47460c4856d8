#include <catch2/catch.hpp>

#include <string>

#include "cron_expression.hpp"

using notifyd::cron::CronExpression;
using notifyd::cron::parse_cron_expression;

namespace {

CronExpression parsed(const std::string& text) {
  auto result = parse_cron_expression(text);
  INFO(text << ": " << result.error());
  REQUIRE(result.ok());
  return result.value();
}

std::string error_of(const std::string& text) {
  auto result = parse_cron_expression(text);
  REQUIRE_FALSE(result.ok());
  return result.error();
}

template <std::size_t N>
std::string bits(const std::bitset<N>& set) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (!set.test(i)) continue;
    if (!out.empty()) out += ",";
    out += std::to_string(i);
  }
  return out;
}

}  // namespace

TEST_CASE("stars, single values and lists") {
  const auto e = parsed("0,15,30 9 1,15 * *");
  CHECK(bits(e.minutes) == "0,15,30");
  CHECK(bits(e.hours) == "9");
  CHECK(bits(e.days_of_month) == "1,15");
  CHECK(e.months.count() == 12);
  CHECK(e.days_of_week.count() == 7);
  CHECK(e.day_of_week_star);
  CHECK_FALSE(e.day_of_month_star);
  CHECK(e.fixed_time);
}

TEST_CASE("ranges and steps") {
  CHECK(bits(parsed("*/5 * * * *").minutes) == "0,5,10,15,20,25,30,35,40,45,50,55");
  CHECK(bits(parsed("1-10/2 * * * *").minutes) == "1,3,5,7,9");
  CHECK(bits(parsed("5/15 * * * *").minutes) == "5,20,35,50");
  CHECK(bits(parsed("0 8-17 * * *").hours) == "8,9,10,11,12,13,14,15,16,17");
  CHECK(bits(parsed("0 */6 * * *").hours) == "0,6,12,18");
  CHECK(bits(parsed("0 0 */10 * *").days_of_month) == "1,11,21,31");
  CHECK(bits(parsed("0 0 1 */3 *").months) == "1,4,7,10");
  CHECK(bits(parsed("0 0 * * */2").days_of_week) == "0,2,4,6");
  CHECK(bits(parsed("0-4,50-59/3 * * * *").minutes) == "0,1,2,3,4,50,53,56,59");
  CHECK(bits(parsed("59 23 31 12 *").minutes) == "59");
}

TEST_CASE("month and day names in any case, in ranges and lists") {
  CHECK(bits(parsed("0 0 1 JAN-MAR *").months) == "1,2,3");
  CHECK(bits(parsed("0 0 1 jun,Dec *").months) == "6,12");
  CHECK(bits(parsed("0 0 * * MON-FRI").days_of_week) == "1,2,3,4,5");
  CHECK(bits(parsed("0 0 * * sat,SUN").days_of_week) == "0,6");
  CHECK(bits(parsed("0 0 * * Tue-Thu/2").days_of_week) == "2,4");
}

TEST_CASE("7 is Sunday, alone and at the end of a range") {
  CHECK(bits(parsed("0 0 * * 7").days_of_week) == "0");
  CHECK(bits(parsed("0 0 * * 5-7").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 0 * * 0-7").days_of_week) == "0,1,2,3,4,5,6");
}

TEST_CASE("a day-of-week range ending in Sunday written as 0 or SUN ends in 7, as in cronie") {
  CHECK(bits(parsed("0 9 * * SAT-SUN").days_of_week) == "0,6");
  CHECK(bits(parsed("0 9 * * FRI-SUN").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 9 * * 5-0").days_of_week) == "0,5,6");
  CHECK(bits(parsed("0 9 * * mon-sun").days_of_week) == "0,1,2,3,4,5,6");
  CHECK(bits(parsed("0 9 * * SUN-SUN").days_of_week) == "0");
  CHECK(bits(parsed("0 9 * * WED-SUN/2").days_of_week) == "0,3,5");
}

TEST_CASE("macros are their five-field equivalents") {
  const auto same = [](const std::string& macro, const std::string& fields) {
    const auto a = parsed(macro);
    const auto b = parsed(fields);
    CHECK(a.minutes == b.minutes);
    CHECK(a.hours == b.hours);
    CHECK(a.days_of_month == b.days_of_month);
    CHECK(a.months == b.months);
    CHECK(a.days_of_week == b.days_of_week);
    CHECK(a.day_of_month_star == b.day_of_month_star);
    CHECK(a.day_of_week_star == b.day_of_week_star);
    CHECK(a.text == macro);
  };
  same("@hourly", "0 * * * *");
  same("@daily", "0 0 * * *");
  same("@midnight", "0 0 * * *");
  same("@weekly", "0 0 * * 0");
  same("@monthly", "0 0 1 * *");
  same("@yearly", "0 0 1 1 *");
  same("@annually", "0 0 1 1 *");
  same("@DAILY", "0 0 * * *");
}

TEST_CASE("@every takes a duration of whole seconds") {
  CHECK(parsed("@every 90s").every.count() == 90);
  CHECK(parsed("@every 5m").every.count() == 300);
  CHECK(parsed("@every 1h30m").every.count() == 5400);
  CHECK(parsed("@every 2d").every.count() == 172800);
  CHECK(parsed("  @every   1s  ").every.count() == 1);
  CHECK(parsed("@every 1s").is_interval());
}

TEST_CASE("a CRON_TZ= or TZ= prefix names the zone") {
  const auto e = parsed("CRON_TZ=Europe/Berlin 30 2 * * *");
  CHECK(e.zone == "Europe/Berlin");
  CHECK(e.zone_column == 9);
  CHECK(bits(e.hours) == "2");
  CHECK(parsed("TZ=America/New_York @daily").zone == "America/New_York");
  CHECK(parsed("\t0 9 * * 1-5  ").text == "0 9 * * 1-5");
}

TEST_CASE("fixed-time means neither minute nor hour starts with *, as cronie's MIN_STAR/HR_STAR") {
  CHECK(parsed("30 2 * * *").fixed_time);
  CHECK(parsed("45 0-3/1 * * *").fixed_time);
  CHECK(parsed("15 1-3/2 * * *").fixed_time);
  CHECK(parsed("30 0-23/2 * * *").fixed_time);
  CHECK(parsed("@daily").fixed_time);
  CHECK_FALSE(parsed("* 2 * * *").fixed_time);
  CHECK_FALSE(parsed("*/15 2 * * *").fixed_time);
  CHECK_FALSE(parsed("*/15 1-3 * * *").fixed_time);
  CHECK_FALSE(parsed("30 * * * *").fixed_time);
  CHECK_FALSE(parsed("30 */2 * * *").fixed_time);
  CHECK_FALSE(parsed("@hourly").fixed_time);
}

TEST_CASE("day of month OR day of week when both are restricted, AND when one starts with *") {
  const auto either = parsed("0 0 13 * 5");
  CHECK(either.matches_date(1, 13, 2));   // the 13th, a Tuesday
  CHECK(either.matches_date(1, 9, 5));    // a Friday
  CHECK_FALSE(either.matches_date(1, 14, 3));
  const auto both = parsed("0 0 */2 * 1");  // odd days that are Mondays
  CHECK(both.matches_date(1, 5, 1));
  CHECK_FALSE(both.matches_date(1, 12, 1));
  CHECK_FALSE(both.matches_date(1, 7, 3));
  const auto weekdays_only = parsed("0 0 * * 1-5");
  CHECK(weekdays_only.matches_date(3, 2, 1));
  CHECK_FALSE(weekdays_only.matches_date(3, 1, 0));
  const auto starred_week = parsed("0 0 1 * */1");  // `*/1` counts as unrestricted: only the 1st
  CHECK(starred_week.matches_date(5, 1, 5));
  CHECK_FALSE(starred_week.matches_date(5, 2, 6));
  CHECK_FALSE(parsed("0 0 1 2 *").matches_date(3, 1, 0));
}

TEST_CASE("errors name the field, the bad text and its column") {
  CHECK(error_of("*/5 0 32 * *") == "field 3 (day of month) \"32\" at column 7: value out of range 1-31");
  CHECK(error_of("0 0 0 * *") == "field 3 (day of month) \"0\" at column 5: value out of range 1-31");
  CHECK(error_of("60 * * * *") == "field 1 (minute) \"60\" at column 1: value out of range 0-59");
  CHECK(error_of("0 24 * * *") == "field 2 (hour) \"24\" at column 3: value out of range 0-23");
  CHECK(error_of("0 0 1 13 *") == "field 4 (month) \"13\" at column 7: value out of range 1-12");
  CHECK(error_of("0 0 * * 8") == "field 5 (day of week) \"8\" at column 9: value out of range 0-7");
  CHECK(error_of("0 0 1,99999 * *") == "field 3 (day of month) \"99999\" at column 7: value out of range 1-31");
  CHECK(error_of("x * * * *") == "field 1 (minute) \"x\" at column 1: not a number");
  CHECK(error_of("1.5 * * * *") == "field 1 (minute) \"1.5\" at column 1: not a number");
  CHECK(error_of("0 MON * * *") == "field 2 (hour) \"MON\" at column 3: not a number");
  CHECK(error_of("0 0 1 FOO *") == "field 4 (month) \"FOO\" at column 7: not a number or a month name (JAN-DEC)");
  CHECK(error_of("0 0 1 JANUARY *") ==
        "field 4 (month) \"JANUARY\" at column 7: not a number or a month name (JAN-DEC)");
  CHECK(error_of("0 0 * * MOO") == "field 5 (day of week) \"MOO\" at column 9: not a number or a day name (SUN-SAT)");
  CHECK(error_of("10-5 * * * *") == "field 1 (minute) \"10-5\" at column 1: range start 10 is after its end 5");
  CHECK(error_of("0 0 * * FRI-MON") ==
        "field 5 (day of week) \"FRI-MON\" at column 9: range start 5 is after its end 1");
  CHECK(error_of("1- * * * *") == "field 1 (minute) \"\" at column 3: missing value in range");
  CHECK(error_of("*/0 * * * *") == "field 1 (minute) \"0\" at column 3: step must be a number from 1 to 60");
  CHECK(error_of("0 */25 * * *") == "field 2 (hour) \"25\" at column 5: step must be a number from 1 to 24");
  CHECK(error_of("*/x * * * *") == "field 1 (minute) \"x\" at column 3: step must be a number from 1 to 60");
  CHECK(error_of("*/ * * * *") == "field 1 (minute) \"\" at column 3: missing step after /");
  CHECK(error_of("/5 * * * *") == "field 1 (minute) \"/5\" at column 1: missing value before /");
  CHECK(error_of("1,,2 * * * *") == "field 1 (minute) \"\" at column 3: empty list element");
  CHECK(error_of("0 0 1, * *") == "field 3 (day of month) \"\" at column 7: empty list element");
  CHECK(error_of("0 0 * * \x01") == "field 5 (day of week) \"?\" at column 9: not a number or a day name (SUN-SAT)");
}

TEST_CASE("a wrong number of fields, an empty or an overlong expression is refused") {
  CHECK(error_of("") == "empty expression");
  CHECK(error_of("   \t ") == "empty expression");
  CHECK(error_of("* * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  CHECK(error_of("0 * * * * /bin/true") ==
        "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  CHECK(error_of(std::string(1025, '*')) == "the expression is longer than 1024 bytes");
}

TEST_CASE("an expression that can never fire is refused as such") {
  CHECK(error_of("0 0 30 2 *") == "the expression never fires: day of month \"30\" never occurs in month \"2\"");
  CHECK(error_of("0 0 31 4,6,9,11 *") ==
        "the expression never fires: day of month \"31\" never occurs in month \"4,6,9,11\"");
  CHECK(error_of("0 0 30-31 FEB *") ==
        "the expression never fires: day of month \"30-31\" never occurs in month \"FEB\"");
  CHECK(error_of("0 0 31 2 */2") == "the expression never fires: day of month \"31\" never occurs in month \"2\"");
  CHECK(parse_cron_expression("0 0 29 2 *").ok());
  CHECK(parse_cron_expression("0 0 31 2 1").ok());  // OR: every Monday in February
  CHECK(parse_cron_expression("0 0 31 * *").ok());
}

TEST_CASE("macro and @every errors") {
  CHECK(error_of("@fortnightly") ==
        "unknown macro \"@fortnightly\" at column 1 (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly, "
        "@annually or @every <duration>)");
  CHECK(error_of("@daily 5") == "@daily takes no fields, got \"5\" at column 8");
  CHECK(error_of("@reboot") == "@reboot is not supported: notifyd schedules by time only");
  CHECK(error_of("@every") == "@every needs a duration such as 90s or 5m");
  CHECK(error_of("@every soon") ==
        "@every duration \"soon\" at column 8: expected numbers with a unit s, m, h or d, such as 90s, 5m or 1h30m");
  CHECK(error_of("@every 90") ==
        "@every duration \"90\" at column 8: expected numbers with a unit s, m, h or d, such as 90s, 5m or 1h30m");
  CHECK(error_of("@every 500ms") ==
        "@every duration \"500ms\" at column 8: expected numbers with a unit s, m, h or d, such as 90s, 5m or 1h30m");
  CHECK(error_of("@every 0s") == "@every duration \"0s\" at column 8: must be at least 1s");
  CHECK(error_of("@every 367d") == "@every duration \"367d\" at column 8: must be at most 366d");
  CHECK(error_of("@every 99999999999d") ==
        "@every duration \"99999999999d\" at column 8: expected numbers with a unit s, m, h or d, such as 90s, 5m or "
        "1h30m");
  CHECK(error_of("@every 5m 1m") == "@every takes one duration, got an extra \"1m\" at column 11");
}

TEST_CASE("time zone prefix errors") {
  CHECK(error_of("CRON_TZ= 0 * * * *") == "CRON_TZ= at column 1 needs a time zone name such as Europe/Berlin");
  CHECK(error_of("CRON_TZ=Europe/Berlin") ==
        "expected a schedule after the time zone \"CRON_TZ=Europe/Berlin\" at column 1");
  CHECK(error_of("TZ=UTC 0 0 32 * *") == "field 3 (day of month) \"32\" at column 12: value out of range 1-31");
}

TEST_CASE("arbitrary bytes never crash the parser") {
  std::string text;
  std::uint32_t state = 12345;
  const std::string alphabet = "0123456789*/-,@ \tJANMONsmhdCRON_TZ=\xff";
  for (int round = 0; round < 20000; ++round) {
    text.clear();
    const int length = static_cast<int>(state % 24);
    for (int i = 0; i < length; ++i) {
      state = state * 1664525 + 1013904223;
      text.push_back(alphabet[(state >> 16) % alphabet.size()]);
    }
    state = state * 1664525 + 1013904223;
    const auto result = parse_cron_expression(text);
    CHECK((result.ok() || !result.error().empty()));
  }
}
