#pragma once

#include <cstdint>
#include <string>

namespace notifyd::telegram {

/// `2026-11-25T14:09:41Z` for Unix milliseconds.
std::string iso_utc(std::int64_t unix_ms);

/// `2026-11-25 14:09 UTC` for Unix milliseconds: a time people read in a chat.
std::string readable_utc(std::int64_t unix_ms);

/// How long ago, the seed's way: `just now`, `5m ago`, `2h ago`, `3d ago`.
std::string age_text(std::int64_t elapsed_ms);

/// How long until, the same way: `in 5m`, `in 2h`, `now`.
std::string countdown_text(std::int64_t remaining_ms);

/// Current Unix time in milliseconds.
std::int64_t unix_now_ms();

}  // namespace notifyd::telegram
