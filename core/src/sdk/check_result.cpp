#include "notifyd/sdk/check_result.hpp"

#include <charconv>
#include <cstdint>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace notifyd::sdk {
namespace {

constexpr int max_json_depth = 64;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Deepest array/object nesting outside strings; guards the recursive writer.
int nesting_depth(std::string_view json) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::string last_nonempty_line(std::string_view text) {
  text = trim(text);
  const auto newline = text.rfind('\n');
  return std::string(newline == std::string_view::npos ? text : trim(text.substr(newline + 1)));
}

Result<CheckResult> from_object(const rapidjson::Value& object) {
  using R = Result<CheckResult>;
  CheckResult result;
  const auto string_field = [&](const char* name, std::string& out) -> std::string {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || it->value.IsNull()) return {};
    if (!it->value.IsString()) return std::string("`") + name + "` must be a string";
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return {};
  };

  auto notify = object.FindMember("notify");
  if (notify == object.MemberEnd()) return R::failure("`notify` is missing; it is required and must be true or false");
  if (!notify->value.IsBool()) return R::failure("`notify` must be true or false");
  result.notify = notify->value.GetBool();

  for (auto [name, target] : {std::pair{"title", &result.title}, std::pair{"message", &result.message},
                              std::pair{"image_path", &result.image_path}}) {
    if (auto error = string_field(name, *target); !error.empty()) return R::failure(error);
  }
  if (result.notify && result.message.empty()) {
    return R::failure("`message` is required when `notify` is true");
  }
  if (!result.image_path.empty() && result.image_path.front() != '/') {
    return R::failure("`image_path` must be an absolute path, got \"" + result.image_path + "\"");
  }

  std::string cooldown;
  if (auto error = string_field("cooldown", cooldown); !error.empty()) return R::failure(error);
  if (!cooldown.empty()) {
    auto parsed = parse_cooldown(cooldown);
    if (!parsed) return R::failure(parsed.error());
    result.cooldown = parsed.value();
  }

  auto data = object.FindMember("data");
  if (data != object.MemberEnd() && !data->value.IsNull()) {
    if (!data->value.IsObject()) return R::failure("`data` must be a JSON object");
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    data->value.Accept(writer);
    result.data_json.assign(buffer.GetString(), buffer.GetSize());
  }
  return result;
}

Result<CheckResult> parse_one(std::string_view text, bool& is_json_object) {
  using R = Result<CheckResult>;
  is_json_object = false;
  if (nesting_depth(text) > max_json_depth) {
    return R::failure("stdout nests JSON deeper than " + std::to_string(max_json_depth) + " levels");
  }
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    return R::failure(std::string("stdout is not JSON: ") + rapidjson::GetParseError_En(document.GetParseError()) +
                      " at offset " + std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) return R::failure("stdout must be one JSON object, e.g. {\"notify\": false}");
  is_json_object = true;
  return from_object(document);
}

}  // namespace

Result<std::chrono::seconds> parse_cooldown(std::string_view text) {
  using R = Result<std::chrono::seconds>;
  const auto bad = [&] {
    return R::failure("`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got \"" + std::string(text) + "\"");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, number);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || number < 1) return bad();
  switch (text.back()) {
    case 'm': return std::chrono::seconds{number * 60};
    case 'h': return std::chrono::seconds{number * 3600};
    case 'd': return std::chrono::seconds{number * 86400};
    default: return bad();
  }
}

Result<CheckResult> parse_check_result(std::string_view output) {
  using R = Result<CheckResult>;
  if (output.size() > max_check_output_bytes) {
    return R::failure("stdout is larger than " + std::to_string(max_check_output_bytes) + " bytes");
  }
  const std::string_view whole = trim(output);
  if (whole.empty()) return R::failure("stdout is empty; a check must print one JSON object");
  bool was_object = false;
  auto result = parse_one(whole, was_object);
  if (result || was_object) return result;
  // A script that printed progress lines before its JSON still works.
  const std::string last = last_nonempty_line(whole);
  if (last.size() == whole.size()) return result;
  bool last_was_object = false;
  auto from_last_line = parse_one(last, last_was_object);
  return last_was_object ? from_last_line : result;
}

}  // namespace notifyd::sdk
