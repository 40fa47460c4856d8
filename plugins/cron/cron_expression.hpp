#pragma once
// A parsed cron expression: five fields (Vixie cron/cronie syntax), one of the
// @-macros, or `@every <duration>`, optionally prefixed by `CRON_TZ=<zone>`.

#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::cron {

/// Longest expression accepted (bytes).
inline constexpr std::size_t max_expression_length = 1024;

/// Longest interval `@every` accepts.
inline constexpr std::chrono::seconds max_every_interval{366LL * 24 * 3600};

/// What a cron expression says, independent of any time zone.
struct CronExpression {
  std::string text;                    ///< the expression as written, trimmed
  std::string zone;                    ///< from a `CRON_TZ=`/`TZ=` prefix; empty = the caller's default
  std::size_t zone_column = 0;         ///< 1-based column of the zone name, for messages
  std::chrono::seconds every{0};       ///< the interval of `@every`; zero for calendar schedules
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;       ///< bits 1-31
  std::bitset<13> months;              ///< bits 1-12
  std::bitset<7> days_of_week;         ///< bit 0 = Sunday
  bool day_of_month_star = false;      ///< day-of-month field starts with `*`
  bool day_of_week_star = false;       ///< day-of-week field starts with `*`
  /// Neither the minute nor the hour field starts with `*` (cronie's test,
  /// on the text: `45 0-3/1` is fixed-time, `*/15 2` and `0 */2` are not).
  /// A fixed-time job runs once right after a spring-forward that skips its
  /// time and once in a repeated hour; any other job ("wildcard") never runs
  /// in a skipped hour and runs in both passes of a repeated one.
  bool fixed_time = false;

  /// True for `@every` schedules.
  bool is_interval() const noexcept { return every.count() > 0; }
  /// True when the date (month 1-12, day 1-31, weekday 0 = Sunday) is one the
  /// expression runs on: day of month OR day of week when both are restricted,
  /// AND when either field starts with `*` (cronie's rule).
  bool matches_date(int month, int day, int weekday) const noexcept;
};

/// Parses `text`. Never throws. Errors name the field and its column, e.g.
/// `field 3 (day of month) "32" at column 7: value out of range 1-31`, and an
/// expression that can never fire (`0 0 30 2 *`) is refused as such.
sdk::Result<CronExpression> parse_cron_expression(std::string_view text);

/// The smallest wall-clock second ≥ `local_seconds` (seconds since
/// 1970-01-01T00:00 read as a zone-less calendar time) at which a calendar
/// expression matches; nullopt when none within 400 years (or for `@every`).
std::optional<std::int64_t> next_local_match(const CronExpression& expression, std::int64_t local_seconds) noexcept;

}  // namespace notifyd::cron
