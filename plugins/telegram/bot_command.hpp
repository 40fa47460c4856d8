#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace notifyd::telegram {

/// A command as typed in a chat: `/run@notify_bot disk` → {"run", "notify_bot", "disk"}.
struct BotCommand {
  std::string name;          ///< lower case, without the slash
  std::string addressed_to;  ///< the bot named after '@', or empty
  std::string argument;      ///< the rest of the text, trimmed
};

/// Parses text that starts with a command; nullopt for anything else.
std::optional<BotCommand> parse_command(std::string_view text);

/// True when a command addressed to `addressed_to` is meant for the bot `username` (case-insensitive; empty = any).
bool addressed_to_bot(std::string_view addressed_to, std::string_view username) noexcept;

}  // namespace notifyd::telegram
