#include "terminal_text.hpp"

#include "notifyd/sdk/utf8.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view ellipsis = "\xE2\x80\xA6";
using notifyd::sdk::utf8_sequence_length;
constexpr std::string_view replacement_character = notifyd::sdk::utf8_replacement_character;

bool is_c1_control(std::string_view sequence) {
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xC2 &&
         static_cast<unsigned char>(sequence[1]) < 0xA0;
}

std::string sanitize(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += replacement_character;
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, length);
    i += length;
    if (length == 1) {
      const unsigned char c = static_cast<unsigned char>(sequence[0]);
      if (c == '\n' && keep_newlines) {
        out += '\n';
      } else if (c == '\t' || c == '\n' || c == '\r') {
        out += ' ';
      } else if (c < 0x20 || c == 0x7F) {
        out += replacement_character;
      } else {
        out += static_cast<char>(c);
      }
    } else if (is_c1_control(sequence)) {
      out += replacement_character;
    } else {
      out += sequence;
    }
  }
  return out;
}

}  // namespace

std::string printable_text(std::string_view text) { return sanitize(text, true); }

std::string printable_line(std::string_view text) { return sanitize(text, false); }

std::string_view first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

std::size_t character_count(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string truncate_characters(std::string_view text, std::size_t max_characters) {
  if (character_count(text) <= max_characters) return std::string(text);
  if (max_characters == 0) return {};
  const std::size_t keep = max_characters - 1;
  std::size_t kept = 0;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (kept == keep) break;
      ++kept;
    }
  }
  return std::string(text.substr(0, end)) + std::string(ellipsis);
}

}  // namespace notifyctl
