#pragma once
// `notifyctl link CODE`, `unlink`, `status`: the Telegram link through the
// telegram plugin's routes (/api/telegram/verify, /unlink, /status).

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api_responses.hpp"

namespace notifyctl {

/// True when `code` is what the bot's /start sends: six digits.
bool is_link_code(std::string_view code);

/// The body of `POST /api/telegram/verify` (or `/unlink` without a code); `user` only when given.
std::string link_request_body(const std::optional<std::string>& code, const std::optional<std::string>& user);

/// `/api/telegram/status`, with `?user=` when given.
std::string link_status_target(const std::optional<std::string>& user);

/// `GET /api/telegram/status` and the verify answer.
struct LinkState {
  bool linked = false;
  std::string linked_at;
  std::optional<bool> active;  ///< false while the user has blocked the bot
  std::string muted_until;
  std::optional<bool> bot_enabled{};  ///< from `GET /api/telegram/bot`; nothing when not asked
};

/// Never fails on a missing or mistyped field; only a body that is not a JSON object is a DecodeError.
std::variant<LinkState, DecodeError> decode_link_state(std::string_view body);

/// `GET /api/telegram/bot`: whether the bot runs; nothing when the body does not say.
std::optional<bool> decode_bot_enabled(std::string_view body);

/// "alice is linked to Telegram since ... (notifications on)", or how to link.
std::string link_state_text(const LinkState& state, const std::string& user);

}  // namespace notifyctl
