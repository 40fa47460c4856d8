#include "notifyd/sdk/check_output.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/document.h>

#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification_tags.hpp"
#include "notifyd/sdk/priority_json.hpp"

namespace notifyd::sdk {
namespace {

using Read = Result<CheckOutput>;

// How much of an unexpected value a warning quotes.
constexpr std::size_t quoted_value_bytes = 40;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string last_nonempty_line(std::string_view text) {
  text = trim(text);
  const auto newline = text.rfind('\n');
  return std::string(newline == std::string_view::npos ? text : trim(text.substr(newline + 1)));
}

std::string quoted(const rapidjson::Value& value) {
  std::string text = json_text(value);
  if (text.size() > quoted_value_bytes) text = text.substr(0, quoted_value_bytes) + "…";
  return text;
}

// The old runner's cooldown: trimmed, lower-cased, `<n>m|h|d`; anything else
// is the default.
std::chrono::seconds lenient_cooldown(const rapidjson::Value& value, std::vector<std::string>& warnings) {
  const std::string fallback = "; used the default " + format_duration(default_cooldown);
  if (!value.IsString()) {
    warnings.push_back("`cooldown` must be a string such as \"30m\", got " + quoted(value) + fallback);
    return default_cooldown;
  }
  std::string text(trim(std::string_view(value.GetString(), value.GetStringLength())));
  if (text.empty()) return default_cooldown;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  auto parsed = parse_cooldown(text);
  if (parsed) return parsed.value();
  warnings.push_back("`cooldown` must be a number and m, h or d (e.g. 30m, 1h, 1d), got " + quoted(value) + fallback);
  return default_cooldown;
}

// A priority that cannot be read is the default, as an unreadable cooldown is.
sdk::Priority lenient_priority(const rapidjson::Value& value, std::vector<std::string>& warnings) {
  auto priority = priority_from_json(value);
  if (priority) return priority.value();
  warnings.push_back("`priority` must be " + std::string(priority_choices) + ", got " + quoted(value) +
                     "; used the default 3 (default)");
  return default_priority;
}

// The tags that follow the rules; each one left out is named in a warning.
std::vector<std::string> lenient_tags(const rapidjson::Value& value, std::vector<std::string>& warnings) {
  std::vector<std::string> kept;
  if (!value.IsArray()) {
    warnings.push_back("`tags` must be an array of strings, got " + quoted(value) + "; sent without tags");
    return kept;
  }
  for (const auto& given : value.GetArray()) {
    if (!given.IsString()) {
      warnings.push_back("`tags` must hold strings, got " + quoted(given) + "; left it out");
      continue;
    }
    auto tag = normalized_tag(std::string_view(given.GetString(), given.GetStringLength()));
    if (!tag) {
      warnings.push_back("`tags`: " + tag.error() + "; left it out");
    } else if (std::find(kept.begin(), kept.end(), tag.value()) == kept.end()) {
      if (kept.size() == max_tags) {
        warnings.push_back("`tags` has more than " + std::to_string(max_tags) + "; kept the first " +
                           std::to_string(max_tags));
        break;
      }
      kept.push_back(std::move(tag).value());
    }
  }
  return kept;
}

Read from_object(const rapidjson::Value& object) {
  CheckOutput output;
  CheckResult& result = output.result;
  auto& warnings = output.warnings;
  const auto string_field = [&](const char* name, std::string& out) -> std::string {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || it->value.IsNull()) return {};
    if (!it->value.IsString()) return std::string("`") + name + "` must be a string";
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return {};
  };

  for (auto [name, target] : {std::pair{"title", &result.title}, std::pair{"message", &result.message},
                              std::pair{"image_path", &result.image_path}}) {
    if (auto error = string_field(name, *target); !error.empty()) return Read::failure(error);
  }
  auto data = object.FindMember("data");
  if (data != object.MemberEnd() && !data->value.IsNull()) {
    if (!data->value.IsObject()) return Read::failure("`data` must be a JSON object");
    result.data_json = json_text(data->value);
  }
  auto notify = object.FindMember("notify");
  if (notify == object.MemberEnd() || notify->value.IsNull()) {
    warnings.push_back("`notify` is missing; read as false, nothing sent (print \"notify\": false or true)");
    return output;
  }
  if (!notify->value.IsBool()) return Read::failure("`notify` must be true or false");
  result.notify = notify->value.GetBool();

  if (auto cooldown = object.FindMember("cooldown"); cooldown != object.MemberEnd() && !cooldown->value.IsNull()) {
    result.cooldown = lenient_cooldown(cooldown->value, warnings);
  }
  if (auto priority = object.FindMember("priority"); priority != object.MemberEnd() && !priority->value.IsNull()) {
    result.priority = lenient_priority(priority->value, warnings);
  }
  if (auto tags = object.FindMember("tags"); tags != object.MemberEnd() && !tags->value.IsNull()) {
    result.tags = lenient_tags(tags->value, warnings);
  }
  if (!result.notify) return output;

  if (!result.image_path.empty() && result.image_path.front() != '/') {
    warnings.push_back("`image_path` must be an absolute path, got \"" + result.image_path + "\"; the image is left out");
    result.image_path.clear();
  }
  if (result.message.empty()) {
    if (!result.title.empty()) {
      warnings.push_back("`message` is required when `notify` is true; the title is sent alone");
    } else if (!result.image_path.empty()) {
      warnings.push_back("`message` is required when `notify` is true; the image is sent alone");
    } else {
      warnings.push_back("`message` is required when `notify` is true; nothing to send");
      result.notify = false;
    }
  }
  return output;
}

Read parse_one(std::string_view text, bool& is_json_object) {
  is_json_object = false;
  rapidjson::Document document;
  if (const auto parsed = parse_json(text, document); !parsed) return Read::failure("stdout is not JSON: " + parsed.message);
  if (!document.IsObject()) return Read::failure("stdout must be one JSON object, e.g. {\"notify\": false}");
  is_json_object = true;
  return from_object(document);
}

}  // namespace

Result<CheckOutput> read_check_output(std::string_view output) {
  if (output.size() > max_check_output_bytes) {
    return Read::failure("stdout is larger than " + std::to_string(max_check_output_bytes) + " bytes");
  }
  const std::string_view whole = trim(output);
  if (whole.empty()) {
    CheckOutput quiet;
    quiet.warnings.push_back("stdout is empty; nothing to report (print {\"notify\": false} to say so)");
    return quiet;
  }
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
