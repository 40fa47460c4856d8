#pragma once
// Answers about a user's links and sign-ins: the Telegram link
// (`/api/telegram/status`, `/verify`, `/users`, `/bot`), the dashboard's
// one-time login link (`/api/login-link`) and the desktop app's token
// (`/api/desktop/token`). Decoded by notifyctl.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/api/json_codec.hpp"

namespace notifyd::sdk::api {

/// `GET /api/telegram/status` and the `/verify` answer:
/// `{"linked","linked_at","active","muted_until"}`; `linked_at` null when not
/// linked, the last two absent when there is nothing to say.
struct TelegramLink {
  bool linked = false;
  std::string linked_at;       ///< ISO-8601 as the telegram plugin wrote it; empty = not linked
  std::optional<bool> active;  ///< false while the user has blocked the bot; nothing when not said
  std::string muted_until;     ///< ISO-8601; empty = not muted
};

/// One Unix user linked to a Telegram chat: `{"user","chat_id","linked_at","active"}`.
struct LinkedUser {
  std::string user;
  std::int64_t chat_id = 0;  ///< group chats have negative ids
  std::string linked_at;     ///< ISO-8601 as the telegram plugin wrote it
  bool active = true;        ///< false: the user blocked the bot
};

/// `GET /api/telegram/users` (admins): `{"users":[<LinkedUser>...]}`.
struct LinkedUserList {
  std::vector<LinkedUser> users;
};

/// `GET /api/telegram/bot`: `{"configured","username","url"}`; the last two null when not known.
struct TelegramBot {
  bool configured = false;
  std::string username;
  std::string url;  ///< https://t.me/<username>
};

/// `POST /api/login-link`: `{"url","user","expires_at"}`, a one-time URL that
/// signs the caller in to the web dashboard.
struct LoginLink {
  std::string url;
  std::string user;
  std::string expires_at;  ///< ISO-8601 as the dashboard wrote it
};

/// `POST /api/desktop/token`: `{"token","user","expires_at","url"}`, a token
/// the desktop app signs in with, and the WebSocket URL it connects to.
struct DesktopToken {
  std::string token;
  std::string user;
  std::string expires_at;  ///< ISO-8601 as the websocket plugin wrote it
  std::string url;         ///< e.g. ws://127.0.0.1:8765/; empty when the plugin does not know it
};

NOTIFYD_API_JSON_CODEC(TelegramLink);

NOTIFYD_API_JSON_CODEC(LinkedUser);

NOTIFYD_API_JSON_CODEC(LinkedUserList);

NOTIFYD_API_JSON_CODEC(TelegramBot);

NOTIFYD_API_JSON_CODEC(LoginLink);

NOTIFYD_API_JSON_CODEC(DesktopToken);

}  // namespace notifyd::sdk::api
