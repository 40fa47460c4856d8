#include "notifyd/sdk/json.hpp"

#include <cmath>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk {
namespace {

constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
constexpr double max_exact_integer = 9007199254740992.0;  // 2^53

// True when the arrays and objects in `text` nest at most `max_depth` deep: a
// linear scan that never recurses, exact for valid JSON.
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
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

bool valid_utf8(const rapidjson::Value& string) noexcept {
  const std::string_view text(string.GetString(), string.GetStringLength());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// What RapidJSON 1.1.0 lets through: it validates the bytes of the text but
// decodes an escaped lone low surrogate (`"\uDC00"`) into bytes that are not
// UTF-8, and it reads a number with more than 19 digits before
// its exponent past the largest double as infinity (`100000000000000000000e290`)
// where a shorter one is refused as too big; no writer can put infinity back
// into JSON. Every string, member name and number is checked after the parse.
// Iterative, like the parse.
Status values_are_valid(const rapidjson::Value& root) {
  const auto bad_string = [] {
    return Status::failure("a string escape that is not a Unicode character (a lone surrogate)");
  };
  std::vector<const rapidjson::Value*> pending{&root};
  while (!pending.empty()) {
    const rapidjson::Value& value = *pending.back();
    pending.pop_back();
    if (value.IsString() && !valid_utf8(value)) return bad_string();
    if (value.IsDouble() && !std::isfinite(value.GetDouble())) return Status::failure("a number too big for a double");
    if (value.IsArray()) {
      for (const auto& element : value.GetArray()) pending.push_back(&element);
    } else if (value.IsObject()) {
      for (const auto& member : value.GetObject()) {
        if (!valid_utf8(member.name)) return bad_string();
        pending.push_back(&member.value);
      }
    }
  }
  return Status::success();
}

}  // namespace

Status parse_json(std::string_view text, rapidjson::Document& document, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::failure("larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (!depth_within(text, limits.max_depth)) {
    return Status::failure("nested deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  // RapidJSON stops at a NUL byte as at the end; JSON text never holds one.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return Status::failure("a NUL byte at offset " + std::to_string(nul));
  }
  document.Parse<parse_flags>(text.data(), text.size());
  if (!document.HasParseError()) return values_are_valid(document);
  return Status::failure(std::string(rapidjson::GetParseError_En(document.GetParseError())) + " at offset " +
                         std::to_string(document.GetErrorOffset()));
}

const rapidjson::Value* json_member(const rapidjson::Value& object, std::string_view name) noexcept {
  if (!object.IsObject()) return nullptr;
  const rapidjson::Value key(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  const auto found = object.FindMember(key);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

std::optional<std::string> json_string(const rapidjson::Value& object, std::string_view name) {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::int64_t> json_int64(const rapidjson::Value& object, std::string_view name) noexcept {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  if (value->IsInt64()) return value->GetInt64();
  if (value->IsUint64()) return std::nullopt;
  const double number = value->GetDouble();
  if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > max_exact_integer) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(number);
}

std::optional<std::int64_t> json_int64_floor(const rapidjson::Value& object, std::string_view name) noexcept {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  if (value->IsInt64()) return value->GetInt64();
  if (value->IsUint64()) return std::nullopt;
  const double number = std::floor(value->GetDouble());
  if (!std::isfinite(number) || std::fabs(number) > max_exact_integer) return std::nullopt;
  return static_cast<std::int64_t>(number);
}

std::optional<bool> json_bool(const rapidjson::Value& object, std::string_view name) noexcept {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

Result<std::string> json_required_string(const rapidjson::Value& object, std::string_view name) {
  const auto* value = json_member(object, name);
  if (value == nullptr) return Result<std::string>::failure("missing field: " + std::string(name));
  if (!value->IsString()) return Result<std::string>::failure("invalid field: " + std::string(name) + " must be a string");
  return std::string(value->GetString(), value->GetStringLength());
}

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace notifyd::sdk
