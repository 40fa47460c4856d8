#pragma once
// The JSON the dashboard's own API answers (`/api/me`, `/api/notifications`).

#include <cstdint>
#include <string>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::webui {

/// Who `/api/me` describes.
struct MeFacts {
  std::string user;
  bool admin = false;
  std::string auth;                 ///< none, proxy, link
  std::string csrf_token;           ///< empty when the request carried no session
  std::int64_t session_expires_ms = 0;
  bool telegram_configured = false;
  bool desktop_configured = false;
  std::string telegram_bot;         ///< the bot's username; empty when not known
};

/// `{"user","admin","auth","csrf_token","session_expires_at","telegram_configured","desktop_configured",
/// "telegram_bot"}`; `telegram_bot` is null when not known.
std::string render_me_json(const MeFacts& me);

/// `{"notifications":[{"id","title","message","format","source","created_at","image_url",
/// "deliveries":[{"channel","state","attempts","last_error","updated_at"}]}],"next_before"}`;
/// `next_before` is the oldest id answered when the page is full, else null.
std::string render_notifications_json(const std::vector<sdk::HistoryEntry>& entries, std::uint32_t limit);

}  // namespace notifyd::webui
