#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace notifyd::telegram {

/// Longest message text Telegram accepts, in UTF-16 code units.
inline constexpr std::size_t max_message_units = 4096;
/// Longest photo caption Telegram accepts, in UTF-16 code units.
inline constexpr std::size_t max_caption_units = 1024;

/// Length of UTF-8 `text` in UTF-16 code units, the unit of Telegram's limits.
/// A code point above U+FFFF counts two; an invalid byte counts one.
std::size_t utf16_length(std::string_view text) noexcept;

/// Splits `text` into parts of at most `limit` UTF-16 units, never dropping
/// content: a cut goes at the last line break that fits (the break itself
/// becomes the boundary), else at the last space, else between code points.
/// Line breaks around a cut and parts that would be only whitespace are left
/// out (Telegram strips the one and refuses the other).
std::vector<std::string> split_text(std::string_view text, std::size_t limit = max_message_units);

}  // namespace notifyd::telegram
