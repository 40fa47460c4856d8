#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// A bot reply accepted but not yet sent: stored with the update that caused
/// it, so a restart sends it instead of losing it.
struct QueuedReply {
  std::uint64_t id = 0;  ///< increasing in acceptance order
  std::int64_t chat_id = 0;
  std::string text;
  sdk::TextFormat format = sdk::TextFormat::plain;
  std::string keyboard;               ///< inline keyboard JSON, or empty
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;     ///< not sent after this (Unix ms)
  std::uint32_t parts_sent = 0;       ///< messages of a split reply that already went out
};

/// A check run a command started; its outcome is still to be told.
struct PendingRun {
  std::uint64_t id = 0;
  std::int64_t chat_id = 0;
  std::string user;
  std::string check;
};

/// A notification to a chat whose last attempt failed: it waits for the
/// outbox's retry, and the chat's replies accepted after it wait behind it.
struct HeldNotification {
  std::uint64_t notification_id = 0;
  std::int64_t chat_id = 0;
  std::string user;
  std::int64_t accepted_at_ms = 0;
};

/// What one bot instance remembers across restarts, beyond links and codes:
/// where its update stream stands, who muted it, and what it still has to
/// answer. Written as one document, so an update's offset, its mutes and its
/// replies are stored together.
struct BotState {
  std::int64_t offset = 0;  ///< the next update_id to ask for; every earlier one is handled
  std::map<std::string, std::int64_t, std::less<>> muted_until;  ///< user → Unix ms
  std::vector<QueuedReply> replies;  ///< in acceptance order
  std::vector<PendingRun> runs;      ///< in start order
  std::vector<HeldNotification> held;  ///< notifications waiting for a retry, in the order they failed
  std::uint64_t next_id = 1;         ///< for the next reply or run
  std::uint64_t inbox_done = 0;      ///< the last ReplyInbox entry taken into this state

  /// The user's mute end when it is still in the future at `now_ms`.
  std::int64_t mute_end(std::string_view user, std::int64_t now_ms) const noexcept;
  /// Drops mutes that ended before `now_ms`; true when any was dropped.
  bool forget_ended_mutes(std::int64_t now_ms);
};

/// Parses `{"offset": 42, "muted_until": {"alice": 1732550000000}, "replies":
/// [...], "runs": [...], "held": [...], "inbox_done": 7}`; a missing member is its default, unusable queue
/// entries are skipped, a file that is no JSON object is an error.
sdk::Result<BotState> parse_bot_state(std::string_view text);
/// Writes the state in that format.
std::string serialize_bot_state(const BotState& state);

}  // namespace notifyd::telegram
