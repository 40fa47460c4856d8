#pragma once
// ISO-8601 instants as the cron trigger and `notifyctl cron next` read them
// (printing them is `sdk::format_utc_timestamp`).

#include <cstdint>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"
#include "time_zone.hpp"

namespace notifyd::cron {

/// Reads `2026-03-29T01:00:00Z`, `…T03:00:00+02:00`, `…T03:00+0200`,
/// `2026-03-29T03:00` (a wall time in `zone`; in a repeated hour the first,
/// in a skipped one the moment of the jump) or `2026-03-29` (midnight in
/// `zone`). A space may replace the `T`; fractions of a second are dropped.
/// Years 1970-9999. Never throws.
sdk::Result<std::int64_t> parse_instant(std::string_view text, const TimeZone& zone);

}  // namespace notifyd::cron
