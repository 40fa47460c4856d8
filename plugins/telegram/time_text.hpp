#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::telegram {

/// `2026-11-25T14:09:41Z` for Unix milliseconds.
std::string iso_utc(std::int64_t unix_ms);

/// `2026-11-25 14:09 UTC` for Unix milliseconds: a time people read in a chat.
std::string readable_utc(std::int64_t unix_ms);

/// Unix milliseconds of an ISO-8601 time (`2026-11-25T14:09:41Z`, with
/// optional fraction and offset; no offset means UTC), or nullopt.
std::optional<std::int64_t> parse_iso_utc(std::string_view text);

/// How long ago, the seed's way: `just now`, `5m ago`, `2h ago`, `3d ago`.
std::string age_text(std::int64_t elapsed_ms);

/// How long until, the same way: `in 5m`, `in 2h`, `now`.
std::string countdown_text(std::int64_t remaining_ms);

/// Current Unix time in milliseconds.
std::int64_t unix_now_ms();

}  // namespace notifyd::telegram
