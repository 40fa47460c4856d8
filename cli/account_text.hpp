#pragma once
// How notifyctl shows the answers about a user's links and sign-ins: the
// Telegram link (`link`, `unlink`, `status`), the dashboard's login link
// (`login`) and the desktop app's token (`desktop-token`).

#include <optional>
#include <string>

#include "api_answers.hpp"

namespace notifyctl {

/// "alice is linked to Telegram since ... (notifications on)", or how to link;
/// `bot_enabled` false (from `GET /api/telegram/bot`) says Telegram is off on
/// this server instead of sending the user to /start; nothing when not asked.
std::string link_state_text(const TelegramLink& state, std::optional<bool> bot_enabled, const std::string& user);

/// The URL on a line of its own (easy to select), with who it signs in and until when.
std::string login_link_text(const LoginLink& link);

/// Why `notifyctl login` got no link, for a refusal with `status` (404: no
/// dashboard with `auth = "link"`); empty when the generic refusal says it best.
std::string login_refusal_hint(unsigned status);

/// The answer as aligned "Token:", "User:", "Expires:", "Server:" lines.
std::string desktop_token_text(const DesktopToken& token);

}  // namespace notifyctl
