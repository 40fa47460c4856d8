#pragma once
// Wall-clock instants as notifyd writes them on the wire: ISO-8601 in UTC.

#include <cstdint>
#include <string>

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

/// The current wall-clock time in Unix epoch milliseconds.
std::int64_t now_epoch_ms() noexcept;

}  // namespace notifyd::sdk
