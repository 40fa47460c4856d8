#pragma once
// Parsing JSON the dashboard did not write itself (other plugins' answers).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace notifyd::webui {

/// Largest JSON text parsed (1 MiB) and deepest nesting accepted.
inline constexpr std::size_t max_json_bytes = 1 << 20;
inline constexpr std::size_t max_json_depth = 64;

/// Parses `text` with RapidJSON's iterative parser, validating UTF-8, refusing
/// deep nesting, oversized text and trailing bytes. False on any error; never throws.
bool parse_json(std::string_view text, rapidjson::Document& document);

/// The string member `name` of object `value`, or nullopt.
std::optional<std::string> string_member(const rapidjson::Value& value, const char* name);

/// The integer member `name` of object `value` (fitting 64 bits), or nullopt.
std::optional<std::int64_t> int64_member(const rapidjson::Value& value, const char* name);

/// The boolean member `name` of object `value`, or nullopt.
std::optional<bool> bool_member(const rapidjson::Value& value, const char* name);

}  // namespace notifyd::webui
