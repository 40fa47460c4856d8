#pragma once
// The Telegram card: link state, the code entry, unlink.

#include <string>

namespace notifyd::webui {

/// What the Telegram plugin said about the user (`GET /api/telegram/status`).
struct TelegramCard {
  enum class State {
    not_configured,  ///< no Telegram plugin registered its routes
    off,             ///< the plugin runs without a bot token
    unavailable,     ///< the plugin answered with an error
    not_linked,
    linked,
  };
  State state = State::not_configured;
  std::string linked_at;  ///< ISO-8601 as the plugin wrote it; may be empty
  bool active = true;     ///< false when the bot cannot reach the user (blocked)
  std::string error;      ///< why the status is unavailable
  std::string bot_username;  ///< the bot's, e.g. `notifyd_bot`; empty when not known
  std::string bot_url;       ///< its `https://t.me/…` link
};

/// Reads the plugin's answer: status 200 with `{"linked", "linked_at", "active"}`.
TelegramCard telegram_card_from_status(unsigned status, const std::string& body);

/// The page's main content.
std::string render_telegram_page(const TelegramCard& card);

}  // namespace notifyd::webui
