#include "json_text.hpp"

#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::socket_api {

bool json_depth_within(std::string_view text, std::size_t max_depth) noexcept {
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
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

namespace {

bool valid_utf8(const rapidjson::Value& string) noexcept {
  const std::string_view text(string.GetString(), string.GetStringLength());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sdk::utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// RapidJSON 1.1.0 validates the bytes of the text but decodes an escaped lone
// low surrogate (`"\uDC00"`) into bytes that are not UTF-8: every string and
// member name is checked after the parse. Iterative, like the parse.
bool strings_are_utf8(const rapidjson::Value& root) {
  std::vector<const rapidjson::Value*> pending{&root};
  while (!pending.empty()) {
    const rapidjson::Value& value = *pending.back();
    pending.pop_back();
    if (value.IsString() && !valid_utf8(value)) return false;
    if (value.IsArray()) {
      for (const auto& element : value.GetArray()) pending.push_back(&element);
    } else if (value.IsObject()) {
      for (const auto& member : value.GetObject()) {
        if (!valid_utf8(member.name)) return false;
        pending.push_back(&member.value);
      }
    }
  }
  return true;
}

}  // namespace

bool parse_untrusted_json(std::string_view text, rapidjson::Document& document) {
  // RapidJSON stops at a NUL byte as at the end; JSON text never holds one.
  if (text.find('\0') != std::string_view::npos) return false;
  if (!json_depth_within(text, max_json_depth)) return false;
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  document.Parse<flags>(text.data(), text.size());
  return !document.HasParseError() && strings_are_utf8(document);
}

std::string to_json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace notifyd::socket_api
