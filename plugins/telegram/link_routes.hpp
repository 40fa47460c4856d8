#pragma once
// The linking API: POST /api/telegram/verify, POST /api/telegram/unlink,
// GET /api/telegram/status, as the seed's dashboard used it,
// GET /api/telegram/bot (whether Telegram is on, and the bot's name) and
// GET /api/telegram/users for operators.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "bot_state.hpp"
#include "link_registry.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http.hpp"
#include "verification_codes.hpp"
#include "verify_attempts.hpp"

namespace notifyd::telegram {

/// Largest request body the linking routes read.
inline constexpr std::size_t max_link_body_bytes = 4096;

/// Answers the linking routes from the registries. The caller's user comes
/// from the front-end; an admin may name another user (`user` in the body, or
/// `?user=`). Used on the plugin's strand.
class LinkService {
 public:
  struct Hooks {
    std::function<void(std::int64_t chat, std::string text)> tell_chat;  ///< sends a confirmation to a chat
    std::function<void(const std::string& user)> unmute;                   ///< ends the user's mute (unlinked)
  };

  LinkService(LinkRegistry& links, VerificationCodes& codes, VerifyAttempts& attempts, BotState& state,
              bool enabled, Hooks hooks);

  /// `POST /api/telegram/verify {"code": "123456"}`; 429 while the user's
  /// failed attempts are at the limit (on any replica).
  sdk::HttpResponse verify(const sdk::HttpRequest& request, std::int64_t now_ms,
                           VerifyAttempts::Clock::time_point now);
  /// `POST /api/telegram/unlink`.
  sdk::HttpResponse unlink(const sdk::HttpRequest& request);
  /// `GET /api/telegram/status`.
  sdk::HttpResponse status(const sdk::HttpRequest& request, std::int64_t now_ms);
  /// `GET /api/telegram/users` (admins only): `{"users": [{"user", "chat_id", "linked_at", "active"}]}`.
  sdk::HttpResponse users(const sdk::HttpRequest& request);
  /// `GET /api/telegram/bot`: `{"configured": false, "username": null, "url": null}` while Telegram
  /// is off (no bot token); else `configured` is true and, once getMe told it, `username` is the
  /// bot's (`notifyd_bot`) and `url` its `https://t.me/…` link.
  sdk::HttpResponse bot(const sdk::HttpRequest& request) const;
  /// The bot's username, once getMe told it.
  void set_bot_username(std::string username) { bot_username_ = std::move(username); }

 private:
  LinkRegistry& links_;
  VerificationCodes& codes_;
  VerifyAttempts& attempts_;
  BotState& state_;
  bool enabled_;
  Hooks hooks_;
  std::string bot_username_;
};

/// Registers the five routes (web and socket surfaces); each request is
/// handled on the plugin's executor. The handlers hold no executor (the route
/// table outlives the io_context), only `host` and `service`, which must
/// outlive the daemon's run.
sdk::Status register_link_routes(sdk::Host& host, LinkService& service);

}  // namespace notifyd::telegram
