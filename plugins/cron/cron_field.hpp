#pragma once
// One of the five fields of a cron expression: which values it allows and how
// it was written (cronie treats a field that starts with `*` as unrestricted
// when it combines day of month with day of week, and a job whose minute or
// hour field starts with `*` as a wildcard job at daylight saving changes).

#include <bitset>
#include <cstddef>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::cron {

/// Which field, with its position (1-5), its name in messages and its bounds.
struct CronFieldSpec {
  int number;              ///< 1 = minute … 5 = day of week
  std::string_view name;   ///< "minute", "day of month", …
  int low;                 ///< smallest value accepted
  int high;                ///< largest value accepted (7 for day of week, folded to 0)
  std::string_view names;  ///< three-letter names for low, low+1, … packed; empty when none
};

/// The specs of the five fields in order.
const CronFieldSpec& minute_field() noexcept;
const CronFieldSpec& hour_field() noexcept;
const CronFieldSpec& day_of_month_field() noexcept;
const CronFieldSpec& month_field() noexcept;
const CronFieldSpec& day_of_week_field() noexcept;

/// A parsed field: the allowed values (bit n = value n) and how it was written.
struct CronField {
  std::bitset<64> values;
  bool starts_with_star = false;  ///< the text began with `*` (`*`, `*/5`)
};

/// Parses one field's text, e.g. `1-10/2,MON`. `column` is the 1-based column
/// of the text in the whole expression, used in error messages such as
/// `field 3 (day of month) "32" at column 7: value out of range 1-31`.
sdk::Result<CronField> parse_cron_field(std::string_view text, std::size_t column, const CronFieldSpec& spec);

}  // namespace notifyd::cron
