#pragma once
// The linking API: POST /api/telegram/verify, POST /api/telegram/unlink,
// GET /api/telegram/status, as the seed's dashboard used it, and
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
    std::function<void()> save_state;                                      ///< the bot state (mutes) changed
  };

  LinkService(LinkRegistry& links, VerificationCodes& codes, VerifyAttempts& attempts, BotState& state,
              bool enabled, Hooks hooks);

  /// `POST /api/telegram/verify {"code": "123456"}`.
  sdk::HttpResponse verify(const sdk::HttpRequest& request, std::int64_t now_ms,
                           VerifyAttempts::Clock::time_point now);
  /// `POST /api/telegram/unlink`.
  sdk::HttpResponse unlink(const sdk::HttpRequest& request);
  /// `GET /api/telegram/status`.
  sdk::HttpResponse status(const sdk::HttpRequest& request, std::int64_t now_ms);
  /// `GET /api/telegram/bot`: `{"enabled": false}` when the bot is off (no token), else true.
  sdk::HttpResponse bot(const sdk::HttpRequest& request) const;
  /// `GET /api/telegram/users` (admins only): `{"users": [{"user", "chat_id", "linked_at", "active"}]}`.
  sdk::HttpResponse users(const sdk::HttpRequest& request);

 private:
  LinkRegistry& links_;
  VerificationCodes& codes_;
  VerifyAttempts& attempts_;
  BotState& state_;
  bool enabled_;
  Hooks hooks_;
};

/// Registers the five routes (web and socket surfaces); each request is
/// handled on the plugin's executor. The handlers hold no executor (the route
/// table outlives the io_context), only `host` and `service`, which must
/// outlive the daemon's run.
sdk::Status register_link_routes(sdk::Host& host, LinkService& service);

}  // namespace notifyd::telegram
