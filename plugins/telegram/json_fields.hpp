#pragma once
// Small helpers for reading JSON whose shape is not trusted.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace notifyd::telegram {

/// The member `name` of `object`, or nullptr (also when `object` is no object).
const rapidjson::Value* json_member(const rapidjson::Value& object, const char* name) noexcept;
/// A string member, or nullopt.
std::optional<std::string> json_string(const rapidjson::Value& object, const char* name);
/// An integer member (a whole-valued number is accepted too), or nullopt.
std::optional<std::int64_t> json_int(const rapidjson::Value& object, const char* name) noexcept;
/// A boolean member, or nullopt.
std::optional<bool> json_bool(const rapidjson::Value& object, const char* name) noexcept;
/// `value` written as compact JSON text.
std::string json_text(const rapidjson::Value& value);
/// Parses `text` (iteratively, so depth cannot exhaust the stack); the error says where it broke.
std::optional<std::string> json_parse(rapidjson::Document& document, std::string_view text);

}  // namespace notifyd::telegram
