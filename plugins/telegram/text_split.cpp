#include "text_split.hpp"

#include "notifyd/sdk/utf8.hpp"

namespace notifyd::telegram {
namespace {

std::size_t sequence_length(std::string_view text, std::size_t i) {
  const std::size_t length = sdk::utf8_sequence_length(text, i);
  return length == 0 ? 1 : length;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::size_t utf16_length(std::string_view text) noexcept {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequence_length(text, i);
    units += length == 4 ? 2 : 1;
    i += length;
  }
  return units;
}

std::vector<std::string> split_text(std::string_view text, std::size_t limit) {
  std::vector<std::string> parts;
  if (limit < 2) limit = 2;  // room for one surrogate pair
  const auto push = [&](std::string_view part) {
    while (!part.empty() && (part.back() == '\n' || part.back() == '\r')) part.remove_suffix(1);
    if (!is_blank(part)) parts.emplace_back(part);
  };
  const auto skip_line_breaks = [&] {
    while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  };
  while (utf16_length(text) > limit) {
    std::size_t fit = 0;  // bytes of the longest prefix within the limit
    for (std::size_t units = 0; fit < text.size();) {
      const std::size_t length = sequence_length(text, fit);
      const std::size_t add = length == 4 ? 2 : 1;
      if (units + add > limit) break;
      units += add;
      fit += length;
    }
    const std::string_view window = text.substr(0, fit + 1 <= text.size() ? fit + 1 : fit);
    std::size_t cut = window.rfind('\n');
    if (cut == std::string_view::npos || cut == 0) cut = window.rfind(' ');
    if (cut == std::string_view::npos || cut == 0) {
      push(text.substr(0, fit));
      text.remove_prefix(fit);
    } else {
      push(text.substr(0, cut));
      text.remove_prefix(cut + 1);
      skip_line_breaks();
    }
  }
  push(text);
  return parts;
}

}  // namespace notifyd::telegram
