#pragma once
// Wall-clock instants as notifyd writes them on the wire (ISO-8601 in UTC) and
// shows them to people (`2026-12-07 01:08 UTC`).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::sdk {

/// How much of a second `format_utc_timestamp` writes.
enum class SecondFraction {
  none,          ///< `2026-11-25T14:09:41Z`, the seed's `%Y-%m-%dT%H:%M:%SZ`
  milliseconds,  ///< `2026-11-25T14:09:41.123Z`
};

/// Unix epoch milliseconds as ISO-8601 UTC, rounded down (1969-12-31T23:59:59Z
/// for -1). Years outside 0-9999 are clamped to the nearest representable
/// instant. Thread-safe, never throws (beyond allocation).
std::string format_utc_timestamp(std::int64_t epoch_ms, SecondFraction fraction);

/// Unix epoch milliseconds as people read them in a chat or on a page:
/// `2026-12-07 01:08 UTC` (rounded down to the minute, clamped like
/// `format_utc_timestamp`).
std::string format_utc_readable(std::int64_t epoch_ms);

/// Unix epoch milliseconds of an ISO-8601 time `YYYY-MM-DDTHH:MM:SS`, the `T`
/// also written as a space, with an optional fraction of any length (kept to
/// the millisecond, rounded down) and an optional zone: `Z`, `+HH:MM` or
/// `-HH:MM`; no zone means UTC (the seed's Python `isoformat()`). Nothing may
/// follow. Nullopt for anything else, including out-of-range fields.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text);

/// The current wall-clock time in Unix epoch milliseconds.
std::int64_t now_epoch_ms() noexcept;

}  // namespace notifyd::sdk
