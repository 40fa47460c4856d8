#include "notifyd/sdk/priority_json.hpp"

#include <cmath>

#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/notification_tags.hpp"

namespace notifyd::sdk {
namespace {

// How much of an unexpected value an error quotes.
constexpr std::size_t quoted_value_bytes = 40;

std::string quoted(const rapidjson::Value& value) {
  std::string text = json_text(value);
  if (text.size() > quoted_value_bytes) text = text.substr(0, quoted_value_bytes) + "…";
  return text;
}

}  // namespace

Result<Priority> priority_from_json(const rapidjson::Value& value) {
  std::optional<Priority> priority;
  if (value.IsString()) {
    priority = parse_priority(std::string_view(value.GetString(), value.GetStringLength()));
  } else if (value.IsInt64()) {
    priority = priority_from_number(value.GetInt64());
  } else if (value.IsDouble()) {
    const double number = value.GetDouble();
    if (std::trunc(number) == number && std::abs(number) < 1e6) {
      priority = priority_from_number(static_cast<std::int64_t>(number));
    }
  }
  if (priority) return *priority;
  return Result<Priority>::failure("expected " + std::string(priority_choices) + ", got " + quoted(value));
}

Result<std::vector<std::string>> tags_from_json(const rapidjson::Value& value) {
  using R = Result<std::vector<std::string>>;
  if (!value.IsArray()) return R::failure("expected an array of strings, got " + quoted(value));
  if (value.Size() > 4 * max_tags) return R::failure("more than " + std::to_string(max_tags) + " tags");
  std::vector<std::string> tags;
  for (const auto& tag : value.GetArray()) {
    if (!tag.IsString()) return R::failure("expected an array of strings, got " + quoted(tag) + " in it");
    tags.emplace_back(tag.GetString(), tag.GetStringLength());
  }
  return normalized_tags(tags);
}

}  // namespace notifyd::sdk
