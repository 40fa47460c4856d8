#include "bot_command.hpp"

#include <algorithm>
#include <cctype>

namespace notifyd::telegram {
namespace {

constexpr std::size_t max_name = 32;

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

std::optional<BotCommand> parse_command(std::string_view text) {
  text = trimmed(text);
  if (text.size() < 2 || text.front() != '/') return std::nullopt;
  std::size_t end = 1;
  while (end < text.size() && is_name_char(text[end])) ++end;
  if (end == 1 || end - 1 > max_name) return std::nullopt;
  BotCommand command;
  command.name.reserve(end - 1);
  for (std::size_t i = 1; i < end; ++i) command.name += lower(text[i]);
  if (end < text.size() && text[end] == '@') {
    std::size_t bot_end = end + 1;
    while (bot_end < text.size() && is_name_char(text[bot_end])) ++bot_end;
    command.addressed_to = std::string(text.substr(end + 1, bot_end - end - 1));
    end = bot_end;
  }
  if (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) return std::nullopt;
  command.argument = std::string(trimmed(text.substr(end)));
  return command;
}

bool addressed_to_bot(std::string_view addressed_to, std::string_view username) noexcept {
  if (addressed_to.empty() || username.empty()) return true;
  if (username.front() == '@') username.remove_prefix(1);
  return addressed_to.size() == username.size() &&
         std::equal(addressed_to.begin(), addressed_to.end(), username.begin(),
                    [](char a, char b) { return lower(a) == lower(b); });
}

}  // namespace notifyd::telegram
