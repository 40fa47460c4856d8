#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// What one bot instance remembers across restarts, beyond links and codes:
/// where its update stream stands and who muted it.
struct BotState {
  std::int64_t offset = 0;  ///< the next update_id to ask for; every earlier one is handled
  std::map<std::string, std::int64_t, std::less<>> muted_until;  ///< user → Unix ms

  /// The user's mute end when it is still in the future at `now_ms`.
  std::int64_t mute_end(std::string_view user, std::int64_t now_ms) const noexcept;
  /// Drops mutes that ended before `now_ms`; true when any was dropped.
  bool forget_ended_mutes(std::int64_t now_ms);
};

/// Parses `{"offset": 42, "muted_until": {"alice": 1732550000000}}`; a missing
/// member is its default, a file that is no JSON object an error.
sdk::Result<BotState> parse_bot_state(std::string_view text);
/// Writes the state in that format.
std::string serialize_bot_state(const BotState& state);

}  // namespace notifyd::telegram
