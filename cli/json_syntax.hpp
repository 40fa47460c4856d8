#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace notifyctl {

/// Why `text` is not one JSON value ("Missing a name for object member. at offset 1"),
/// or nothing when it is. Parses iteratively, so deep nesting cannot exhaust the stack.
std::optional<std::string> json_syntax_error(std::string_view text);

}  // namespace notifyctl
