#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bot_state.hpp"
#include "bot_state_document.hpp"
#include "command_handler.hpp"
#include "notifyd/sdk/logger.hpp"
#include "updates.hpp"

namespace notifyd::telegram {

/// Appends `reply` to the state's reply queue, stamped `now_ms`; it expires
/// after its own lifetime, else after `default_lifetime`.
void queue_reply(BotState& state, BotActions::Reply reply, std::int64_t now_ms,
                 std::chrono::milliseconds default_lifetime);

/// What applying a batch of updates left to do.
struct AppliedBatch {
  BotStateDocument::Commit commit;
  std::vector<BotActions> performed;  ///< written: the answers, notes and warnings to act on now
  std::vector<PendingRun> runs;       ///< written: the runs to start now
};

/// Handles `batch` (the links and codes it changes are saved fenced with
/// `fence` as they change) and commits its effects on the bot state (mutes,
/// queued replies, runs) together with the batch's next offset in one write
/// fenced with `fence`. When the commit is refused or fails, `state` is as it was
/// before: nothing of the batch counts, and the replica that leads next
/// handles the same updates from the stored offset.
AppliedBatch apply_batch(const UpdateBatch& batch, CommandHandler& handler, BotState& state,
                         BotStateDocument& document, const sdk::Fence& fence, std::int64_t now_ms,
                         std::chrono::milliseconds reply_lifetime, sdk::Logger& log);

}  // namespace notifyd::telegram
