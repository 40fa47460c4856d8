#include "json_reader.hpp"

namespace notifyd::webui {
namespace {

bool depth_within(std::string_view text, std::size_t max_depth) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace

bool parse_json(std::string_view text, rapidjson::Document& document) {
  if (text.size() > max_json_bytes || !depth_within(text, max_json_depth)) return false;
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  document.Parse<flags>(text.data(), text.size());
  return !document.HasParseError();
}

std::optional<std::string> string_member(const rapidjson::Value& value, const char* name) {
  if (!value.IsObject()) return std::nullopt;
  const auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> int64_member(const rapidjson::Value& value, const char* name) {
  if (!value.IsObject()) return std::nullopt;
  const auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

std::optional<bool> bool_member(const rapidjson::Value& value, const char* name) {
  if (!value.IsObject()) return std::nullopt;
  const auto it = value.FindMember(name);
  if (it == value.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

}  // namespace notifyd::webui
