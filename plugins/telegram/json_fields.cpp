#include "json_fields.hpp"

#include <cmath>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace notifyd::telegram {

const rapidjson::Value* json_member(const rapidjson::Value& object, const char* name) noexcept {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

std::optional<std::string> json_string(const rapidjson::Value& object, const char* name) {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::int64_t> json_int(const rapidjson::Value& object, const char* name) noexcept {
  const auto* value = json_member(object, name);
  if (value == nullptr) return std::nullopt;
  if (value->IsInt64()) return value->GetInt64();
  if (value->IsDouble()) {
    const double number = value->GetDouble();
    if (std::isfinite(number) && std::fabs(number) < 9e15) return static_cast<std::int64_t>(number);
  }
  return std::nullopt;
}

std::optional<bool> json_bool(const rapidjson::Value& object, const char* name) noexcept {
  const auto* value = json_member(object, name);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::string> json_parse(rapidjson::Document& document, std::string_view text) {
  // RapidJSON stops at a NUL byte as at the end; JSON text never holds one.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return "a NUL byte at offset " + std::to_string(nul);
  }
  document.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (!document.HasParseError()) return std::nullopt;
  return std::string(rapidjson::GetParseError_En(document.GetParseError())) + " at offset " +
         std::to_string(document.GetErrorOffset());
}

}  // namespace notifyd::telegram
