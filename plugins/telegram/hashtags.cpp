#include "hashtags.hpp"

namespace notifyd::telegram {

std::string hashtag_line(const std::vector<std::string>& tags) {
  std::string line;
  for (const auto& tag : tags) {
    if (!line.empty()) line += ' ';
    line += '#';
    for (const char c : tag) {
      const auto byte = static_cast<unsigned char>(c);
      const bool word = byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      line += word ? c : '_';
    }
  }
  return line;
}

}  // namespace notifyd::telegram
