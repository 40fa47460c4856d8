#include "stored_tags.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/json.hpp"

namespace notifyd::core {

std::string stored_tags_text(const std::vector<std::string>& tags) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
  out.StartArray();
  for (const auto& tag : tags) out.String(tag.data(), static_cast<rapidjson::SizeType>(tag.size()));
  out.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::vector<std::string> tags_from_stored_text(std::string_view text) {
  std::vector<std::string> tags;
  rapidjson::Document document;
  if (text.empty() || !sdk::parse_json(text, document) || !document.IsArray()) return tags;
  for (const auto& tag : document.GetArray()) {
    if (tag.IsString()) tags.emplace_back(tag.GetString(), tag.GetStringLength());
  }
  return tags;
}

}  // namespace notifyd::core
