#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Something a replica that does not lead the bot asks the leader to do.
struct InboxEntry {
  std::uint64_t seq = 0;  ///< increasing; the leader remembers the last one taken (`BotState::inbox_done`)
  std::int64_t chat_id = 0;  ///< tell: the chat
  std::string text;          ///< tell: the message (plain text); empty for an unmute
  std::string unmute;        ///< the user whose mute ends (an unlink), or empty
};

/// Messages and mute ends from the replicas that do not lead the bot (a
/// dashboard's link confirmation, an unlink) for the one that does, in a
/// shared document beside the bot state (`{"next_seq": 3, "entries": [...]}`).
/// Any replica appends (read-merge-write); the leader takes entries into its
/// fenced state commit and records the last one taken there, so an entry is
/// taken exactly once whoever leads, then forgets them here. Blocking: call
/// from the plugin's strand.
class ReplyInbox {
 public:
  ReplyInbox(sdk::DocumentStore& store, std::string name) : store_(store), name_(std::move(name)) {}

  /// Appends a message to `chat`.
  sdk::Status tell(std::int64_t chat, std::string_view text);
  /// Appends the end of `user`'s mute.
  sdk::Status unmute(std::string_view user);
  /// Entries after `done`, oldest first.
  sdk::Result<std::vector<InboxEntry>> after(std::uint64_t done) const;
  /// Removes the entries up to `done` (already taken).
  sdk::Status forget(std::uint64_t done);

  const std::string& name() const noexcept { return name_; }

 private:
  sdk::Status append(InboxEntry entry);

  sdk::DocumentStore& store_;
  std::string name_;
};

/// `state_file` → the inbox's name beside it: `bot_telegram_state.json` → `bot_telegram_state.inbox.json`.
std::string inbox_name_for(const std::string& state_file);

}  // namespace notifyd::telegram
