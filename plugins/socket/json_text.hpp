#pragma once
// Parsing of untrusted JSON text: bounded nesting, validated UTF-8, no
// recursion in the parser, no assertion reachable from input.

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace notifyd::socket_api {

/// Deepest array/object nesting accepted in a request body or stored `data`.
inline constexpr std::size_t max_json_depth = 64;

/// True when the arrays and objects in `text` nest at most `max_depth` deep.
/// A linear scan that never recurses; exact for valid JSON.
bool json_depth_within(std::string_view text, std::size_t max_depth) noexcept;

/// Parses `text` into `document` with RapidJSON's iterative parser, validating
/// UTF-8 and refusing nesting deeper than `max_json_depth` and trailing bytes.
/// False on any error; never throws on bad input.
bool parse_untrusted_json(std::string_view text, rapidjson::Document& document);

/// `value` as compact JSON text. Only for values that passed `parse_untrusted_json`
/// (the writer recurses once per nesting level).
std::string to_json_text(const rapidjson::Value& value);

}  // namespace notifyd::socket_api
