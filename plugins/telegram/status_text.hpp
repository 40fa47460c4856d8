#pragma once
// What the bot says about checks: the /status list with its Run buttons, and
// the outcome of a run.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Largest `callback_data` Telegram accepts, in bytes.
inline constexpr std::size_t max_callback_data = 64;
/// Most Run buttons under one /status answer.
inline constexpr std::size_t max_run_buttons = 30;
/// The prefix of a Run button's callback data.
inline constexpr std::string_view run_prefix = "run:";

/// How a user's notifications stand, for the first line of /status.
struct DeliveryStanding {
  std::string user;
  bool active = true;          ///< false while the bot is blocked in the chat
  std::int64_t muted_until_ms = 0;
};

/// A /status answer: plain text and an inline keyboard (JSON; empty without checks).
struct StatusReply {
  std::string text;
  std::string keyboard;
};

/// Renders /status for `standing.user`'s `checks` at `now_ms`.
StatusReply status_reply(const DeliveryStanding& standing, const std::vector<sdk::CheckStatus>& checks,
                         std::int64_t now_ms);

/// What a run of `name` came to, as a chat reply.
std::string run_outcome_text(std::string_view name, const sdk::Result<sdk::RunRecord>& outcome);

}  // namespace notifyd::telegram
