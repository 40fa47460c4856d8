#include <catch2/catch.hpp>

#include "cron_next.hpp"

using namespace notifyctl;

namespace {

CronNextArguments next(std::string expression, std::optional<std::string> zone, std::optional<std::string> from,
                       std::uint32_t count = 5) {
  CronNextArguments arguments;
  arguments.expression = std::move(expression);
  arguments.zone = std::move(zone);
  arguments.from = std::move(from);
  arguments.count = count;
  return arguments;
}

}  // namespace

TEST_CASE("cron next prints N UTC instants, one per line", "[cron]") {
  auto text = cron_next_text(next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3), 0);
  REQUIRE(text.ok());
  CHECK(text.value() == "2026-03-29T01:00:00Z\n2026-03-30T00:30:00Z\n2026-03-31T00:30:00Z\n");
  auto every = cron_next_text(next("@every 90s", std::nullopt, "2026-01-01T00:00:00Z", 2), 0);
  CHECK(every.value() == "2026-01-01T00:01:30Z\n2026-01-01T00:03:00Z\n");
}

TEST_CASE("cron next counts from now without --from; wall times in --from use the zone", "[cron]") {
  CHECK(cron_next_text(next("@hourly", "UTC", std::nullopt, 1), 1774746030).value() == "2026-03-29T02:00:00Z\n");
  CHECK(cron_next_text(next("0 9 * * *", "America/New_York", "2026-01-05T09:00", 1), 0).value() ==
        "2026-01-06T14:00:00Z\n");
}

TEST_CASE("cron next errors say what was wrong", "[cron]") {
  CHECK(cron_next_text(next("*/5 0 32 * *", "UTC", std::nullopt), 0).error() ==
        "field 3 (day of month) \"32\" at column 7: value out of range 1-31");
  CHECK(cron_next_text(next("0 0 30 2 *", "UTC", std::nullopt), 0).error() ==
        "the expression never fires: day of month \"30\" never occurs in month \"2\"");
  CHECK(cron_next_text(next("@daily", "Mars/Olympus", std::nullopt), 0).error() ==
        "--tz: unknown time zone \"Mars/Olympus\": /usr/share/zoneinfo/Mars/Olympus does not exist");
  CHECK(cron_next_text(next("@daily", "UTC", "yesterday"), 0).error() ==
        "--from: \"yesterday\" is not an ISO-8601 time such as 2026-03-29T01:00:00Z");
}
