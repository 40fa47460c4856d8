#pragma once
// The POSIX TZ string that ends a TZif file (`CET-1CEST,M3.5.0,M10.5.0/3`):
// the rule for instants after the file's last transition. Also what a TZ
// environment variable such as `EST5EDT` means.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::cron {

/// A day of the year in one of the three POSIX forms.
struct PosixDate {
  enum class Form { julian_no_leap, zero_based, month_week_day };
  Form form = Form::month_week_day;
  int day = 0;    ///< Jn: 1-365 · n: 0-365 · M: weekday 0-6
  int month = 0;  ///< M only: 1-12
  int week = 0;   ///< M only: 1-5 (5 = last)
};

/// A standard offset and, optionally, daylight saving time with its start and end.
struct PosixTzRule {
  std::int32_t standard_offset = 0;  ///< seconds east of UTC
  std::optional<std::int32_t> dst_offset;  ///< seconds east of UTC while DST is on; nullopt = no DST
  PosixDate dst_start;
  std::int32_t dst_start_time = 7200;  ///< local (standard) seconds after midnight, -167h..167h
  PosixDate dst_end;
  std::int32_t dst_end_time = 7200;    ///< local (daylight) seconds after midnight

  /// The UTC instants in `year` at which the offset becomes DST and becomes
  /// standard again (the second may come first, in the southern hemisphere).
  std::pair<std::int64_t, std::int64_t> transitions_in(std::int64_t year) const noexcept;
};

/// Parses a POSIX TZ string (with the RFC 8536 extensions: hours up to 167
/// and negative in times). Never throws.
sdk::Result<PosixTzRule> parse_posix_tz(std::string_view text);

}  // namespace notifyd::cron
