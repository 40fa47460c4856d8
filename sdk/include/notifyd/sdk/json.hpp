#pragma once
// JSON from outside (request bodies, stored files other programs write, Bot
// API replies, scripts' stdout): one parse with one set of flags and limits,
// member getters that check types, and compact text out. RapidJSON types;
// a plugin that includes this adds RapidJSON's include directory.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// What one `parse_json` accepts at most.
struct JsonLimits {
  std::size_t max_bytes = 16 << 20;  ///< longest text
  std::size_t max_depth = 64;        ///< deepest nesting of arrays and objects
};

/// Parses untrusted `text` into `document`: exactly one JSON value with
/// nothing but white space after it, UTF-8 validated, iteratively (no
/// recursion, so nesting cannot exhaust the stack), within `limits` (checked
/// before parsing). Never throws on bad input. The failure says why, for a log
/// line or an error answer: `larger than 16777216 bytes`, `nested deeper than
/// 64 levels`, `Missing a name for object member. at offset 1`.
Status parse_json(std::string_view text, rapidjson::Document& document, const JsonLimits& limits = {});

/// The member `name` of `object`; nullptr when absent or when `object` is not
/// an object.
const rapidjson::Value* json_member(const rapidjson::Value& object, std::string_view name) noexcept;

/// The string member `name`, or nullopt (absent, or not a string).
std::optional<std::string> json_string(const rapidjson::Value& object, std::string_view name);

/// The integer member `name`, or nullopt (absent, or not an integer that fits
/// 64 bits). A number written with a fraction or exponent counts when its
/// value is whole and within ±2^53 (`5.0`, `1e3`), as other JSON writers send
/// integers.
std::optional<std::int64_t> json_int64(const rapidjson::Value& object, std::string_view name) noexcept;

/// The number member `name` rounded down to a whole number, or nullopt
/// (absent, not a number, or beyond ±2^53): for times other programs write
/// with a fraction, such as the seed's `time.time()` (`1732550000.75`).
std::optional<std::int64_t> json_int64_floor(const rapidjson::Value& object, std::string_view name) noexcept;

/// The boolean member `name`, or nullopt (absent, or not `true`/`false`).
std::optional<bool> json_bool(const rapidjson::Value& object, std::string_view name) noexcept;

/// The string member `name` that a request must carry, or why not: `missing
/// field: user`, `invalid field: user must be a string`.
Result<std::string> json_required_string(const rapidjson::Value& object, std::string_view name);

/// `value` as compact JSON text. For values `parse_json` produced or the
/// program built (the writer recurses once per nesting level).
std::string json_text(const rapidjson::Value& value);

}  // namespace notifyd::sdk
