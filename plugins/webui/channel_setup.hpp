#pragma once
// Which of the channels the dashboard shows are set up on this server, as
// their plugins tell it through their routes.

#include <functional>
#include <string>

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

/// How far one channel is set up.
enum class ChannelState {
  absent,  ///< no plugin registered its routes
  off,     ///< the plugin runs but says it is off (no bot token, no jwt_secret)
  on,
};

/// What the Telegram and desktop plugins said.
struct ChannelSetup {
  ChannelState telegram = ChannelState::absent;
  ChannelState desktop = ChannelState::absent;
  std::string bot_username;  ///< the Telegram bot's, e.g. `notifyd_bot`; empty until the bot knows it
  std::string bot_url;       ///< `https://t.me/<bot_username>`; empty with `bot_username`
};

/// Asks the plugins as `caller`: Telegram is there when `GET /api/telegram/status`
/// is, off when `GET /api/telegram/bot` answers `"configured": false`, and named
/// by that answer; the desktop app is there when `POST /api/desktop/token` is, off
/// when `GET /api/desktop/status` answers `"configured": false`. A plugin that
/// does not answer these counts as on. `done` runs once, maybe on another thread.
void ask_channel_setup(const sdk::RouteRegistry& routes, const sdk::Caller& caller,
                       std::function<void(ChannelSetup)> done);

}  // namespace notifyd::webui
