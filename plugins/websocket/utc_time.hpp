#pragma once

#include <cstdint>
#include <string>

namespace notifyd::websocket {

/// Unix epoch milliseconds as ISO-8601 UTC with milliseconds: `2026-11-25T14:09:41.123Z`.
std::string format_utc_timestamp(std::int64_t epoch_ms);

/// The current time in Unix epoch milliseconds.
std::int64_t now_epoch_ms() noexcept;

}  // namespace notifyd::websocket
