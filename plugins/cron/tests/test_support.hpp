#pragma once
// Helpers shared by the cron unit tests.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cron_schedule.hpp"
#include "iso8601.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "zone_lookup.hpp"

namespace notifyd::cron::testing {

/// Seconds since the epoch of an ISO-8601 UTC instant; fails the test when invalid.
inline std::int64_t at(const std::string& iso) {
  auto parsed = parse_instant(iso, TimeZone::utc());
  INFO(iso << ": " << parsed.error());
  REQUIRE(parsed.ok());
  return parsed.value();
}

/// UTC seconds since the epoch as `2026-03-29T01:00:00Z`.
inline std::string utc_text(std::int64_t seconds) {
  return sdk::format_utc_timestamp(seconds * 1000, sdk::SecondFraction::none);
}

/// The zone `name` from the system's tzdata; fails the test when missing.
inline ZoneHandle zone(const std::string& name) {
  auto loaded = load_time_zone(name);
  INFO(name << ": " << loaded.error());
  REQUIRE(loaded.ok());
  return loaded.value();
}

/// The next `count` fire times of `expression` in `zone_name` after `from`, as ISO-8601 UTC.
inline std::vector<std::string> fires(const std::string& expression, const std::string& zone_name,
                                      const std::string& from, int count) {
  auto schedule = make_cron_schedule(expression, zone(zone_name));
  INFO(expression << ": " << schedule.error());
  REQUIRE(schedule.ok());
  std::vector<std::string> out;
  std::int64_t t = at(from);
  for (int i = 0; i < count; ++i) {
    const auto next = schedule->next_after(t);
    if (!next) break;
    out.push_back(utc_text(*next));
    t = *next;
  }
  return out;
}

using Times = std::vector<std::string>;

}  // namespace notifyd::cron::testing
