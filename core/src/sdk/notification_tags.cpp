#include "notifyd/sdk/notification_tags.hpp"

#include <algorithm>

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::sdk {
namespace {

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// A tag as quoted in an error: invalid bytes and control characters shown as
// U+FFFD, at most a little more than a tag may be long.
std::string quoted(std::string_view tag) {
  std::string text = replace_invalid_utf8(tag.substr(0, max_tag_bytes + 8));
  std::replace_if(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, '?');
  return "\"" + text + (tag.size() > max_tag_bytes + 8 ? "…\"" : "\"");
}

// C0, DEL and the C1 controls (U+0080–U+009F, encoded C2 80–C2 9F).
bool has_control_character(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return true;
  }
  return false;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8_sequence_length(s, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace

Result<std::string> normalized_tag(std::string_view given) {
  using R = Result<std::string>;
  const std::string_view tag = trimmed(given);
  if (tag.empty()) return R::failure("a tag is empty");
  if (tag.size() > max_tag_bytes) {
    return R::failure("tag " + quoted(tag) + " is longer than " + std::to_string(max_tag_bytes) + " bytes");
  }
  if (!is_valid_utf8(tag)) return R::failure("tag " + quoted(tag) + " is not valid UTF-8");
  if (has_control_character(tag)) return R::failure("tag " + quoted(tag) + " contains a control character");
  if (tag.find(',') != std::string_view::npos) return R::failure("tag " + quoted(tag) + " contains a comma");
  return std::string(tag);
}

Result<std::vector<std::string>> normalized_tags(const std::vector<std::string>& tags) {
  using R = Result<std::vector<std::string>>;
  std::vector<std::string> kept;
  for (const std::string& given : tags) {
    auto tag = normalized_tag(given);
    if (!tag) return R::failure(tag.error());
    if (std::find(kept.begin(), kept.end(), tag.value()) != kept.end()) continue;
    if (kept.size() == max_tags) return R::failure("more than " + std::to_string(max_tags) + " tags");
    kept.push_back(std::move(tag).value());
  }
  return kept;
}

Result<std::vector<std::string>> parse_tag_list(std::string_view text) {
  std::vector<std::string> tags;
  if (trimmed(text).empty()) return tags;
  while (true) {
    const auto comma = text.find(',');
    tags.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return normalized_tags(tags);
}

}  // namespace notifyd::sdk
