#pragma once
// Times and durations as the dashboard shows them.

#include <cstdint>
#include <string>

namespace notifyd::webui {

/// Unix epoch milliseconds as ISO-8601 UTC with milliseconds (`2026-11-25T14:09:41.123Z`).
std::string iso_utc(std::int64_t epoch_ms);

/// Unix epoch milliseconds as people read them: `2026-11-25 14:09 UTC`.
std::string readable_utc(std::int64_t epoch_ms);

/// A duration: `350 ms`, `1.2 s`, `3 min 5 s`.
std::string readable_duration(std::int64_t milliseconds);

/// Milliseconds since the Unix epoch now.
std::int64_t now_epoch_ms();

}  // namespace notifyd::webui
