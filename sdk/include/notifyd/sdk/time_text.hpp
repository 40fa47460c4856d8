#pragma once
// Times and durations as people read them in a terminal, a chat or a page:
// `5m ago`, `in 2h`, `1.2 s`. (Instants are `utc_time.hpp`; durations in
// config values are `duration.hpp`.)

#include <cstdint>
#include <string>

namespace notifyd::sdk {

/// The smallest unit `time_ago` and `time_until` name.
enum class AgeUnit {
  second,  ///< `42s ago`, `in 1s` (notifyctl)
  minute,  ///< `5m ago`, `in 1m` (the seed's bot replies)
};

/// How long before `now_ms` `then_ms` was, rounded down: `just now` (less
/// than one `unit`, or in the future), `42s ago`, `5m ago`, `3h ago` (up to
/// 48 hours), `2d ago`.
std::string time_ago(std::int64_t then_ms, std::int64_t now_ms, AgeUnit unit);

/// How long after `now_ms` `at_ms` is, the smallest unit rounded up: `in 1s`,
/// `in 5m`, `in 3h` (up to 48 hours), `in 2d`; `due` once `at_ms` has come.
std::string time_until(std::int64_t at_ms, std::int64_t now_ms, AgeUnit unit);

/// How `readable_duration` writes a minute or more.
enum class DurationStyle {
  compact,  ///< `2m05s`, for table columns
  spaced,   ///< `2 min 5 s`, for prose and pages
};

/// How long something took: `340 ms` under a second, `1.2 s` (one decimal,
/// rounded) under a minute, then whole minutes and seconds in `style`.
/// Negative values count as 0.
std::string readable_duration(std::int64_t milliseconds, DurationStyle style);

}  // namespace notifyd::sdk
