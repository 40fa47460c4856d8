#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace notifyctl {

/// `text` made safe to print: invalid UTF-8 and control characters (C0 except
/// newline, DEL, C1) become U+FFFD, so daemon data cannot drive the terminal;
/// tabs become spaces.
std::string printable_text(std::string_view text);

/// `printable_text` on one line: newlines and carriage returns become spaces.
std::string printable_line(std::string_view text);

/// The text before the first newline, without a trailing carriage return.
std::string_view first_line(std::string_view text);

/// At most `max_characters` code points of valid UTF-8 `text`; a cut ends in "…"
/// (counted in the limit).
std::string truncate_characters(std::string_view text, std::size_t max_characters);

/// Number of code points in valid UTF-8 `text`.
std::size_t character_count(std::string_view text);

}  // namespace notifyctl
