#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

namespace notifyd::telegram {

/// A message someone wrote in a chat with the bot.
struct ChatMessage {
  std::int64_t chat_id = 0;
  std::string chat_type;  ///< private, group, supergroup, channel
  std::int64_t from_id = 0;
  std::string text;       ///< empty for stickers, photos, ...
};

/// A press on one of the bot's inline buttons.
struct ButtonPress {
  std::string id;         ///< to answer with answerCallbackQuery
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::int64_t from_id = 0;
  std::string data;       ///< the button's callback_data
};

/// The bot's own membership in a chat changed (blocked, unblocked, removed, added).
struct MembershipChange {
  std::int64_t chat_id = 0;
  std::string status;     ///< new_chat_member.status: member, kicked, left, administrator, ...
};

/// One update from getUpdates. Kinds the bot does not handle are `std::monostate`.
struct Update {
  std::int64_t update_id = 0;
  std::variant<std::monostate, ChatMessage, ButtonPress, MembershipChange> content;
};

/// A getUpdates result, parsed.
struct UpdateBatch {
  std::vector<Update> updates;  ///< in update_id order
  std::int64_t next_offset = 0; ///< what to ask for next: one past the highest update_id seen
};

/// Parses a getUpdates `result` (an array; anything else is an empty batch).
/// Malformed entries with an update_id become `std::monostate` updates so they
/// are still acknowledged; text is capped at 16 KiB.
UpdateBatch parse_updates(const rapidjson::Value* result, std::int64_t offset);

/// True when the membership status means the bot can no longer write there.
bool is_removal(const std::string& status) noexcept;

}  // namespace notifyd::telegram
