#pragma once
// Proleptic Gregorian calendar arithmetic on plain integers: the pieces the
// cron code needs without a time-zone database (libstdc++ 12 has none).

#include <cstdint>

namespace notifyd::cron {

/// A calendar date and a time of day, without a zone.
struct CivilTime {
  std::int64_t year = 1970;
  int month = 1;   ///< 1-12
  int day = 1;     ///< 1-31
  int hour = 0;    ///< 0-23
  int minute = 0;  ///< 0-59
  int second = 0;  ///< 0-59
};

/// Days from 1970-01-01 to the date `year-month-day` (negative before).
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

/// Seconds since 1970-01-01T00:00:00 for `time` read as if it were UTC.
std::int64_t seconds_from_civil(const CivilTime& time) noexcept;

/// The calendar fields of `seconds` since 1970-01-01T00:00:00.
CivilTime civil_from_seconds(std::int64_t seconds) noexcept;

/// Day of the week of a day count from `days_from_civil`: 0 = Sunday … 6 = Saturday.
int weekday_from_days(std::int64_t days) noexcept;

/// True for Gregorian leap years.
bool is_leap_year(std::int64_t year) noexcept;

/// Number of days in `month` (1-12) of `year`.
int days_in_month(std::int64_t year, int month) noexcept;

/// `a / b` rounded towards negative infinity (b > 0).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace notifyd::cron
