#pragma once
// A notification's priority: ntfy's five levels, by number or by name.

#include <cstdint>
#include <optional>
#include <string_view>

namespace notifyd::sdk {

/// How loudly a notification asks for attention, ntfy's 1–5. Channels decide
/// what a level means to them (Telegram sends `min` and `low` silently; an
/// `urgent` one passes a user's mute).
enum class Priority : std::uint8_t { min = 1, low = 2, normal = 3, high = 4, urgent = 5 };

/// The priority of a notification that names none.
inline constexpr Priority default_priority = Priority::normal;

/// What a priority may be written as, for error messages.
inline constexpr std::string_view priority_choices = "1-5 or min, low, default, high, urgent (max)";

/// The level's name on the wire and in history: `min`, `low`, `default`,
/// `high`, `urgent`.
std::string_view priority_name(Priority priority) noexcept;

/// The level numbered 1–5, or nullopt for any other number.
std::optional<Priority> priority_from_number(std::int64_t number) noexcept;

/// Reads a priority written as text, as ntfy does: surrounding white space
/// ignored, case-insensitive, `1`–`5` or `min`, `low`, `default`, `high`,
/// `urgent`, with ntfy's alias `max` for `urgent`. Nullopt for anything else
/// (empty text included). Used by every front-end that accepts a priority.
std::optional<Priority> parse_priority(std::string_view text) noexcept;

}  // namespace notifyd::sdk
