#include "update_batch.hpp"

namespace notifyd::telegram {

void queue_reply(BotState& state, BotActions::Reply reply, std::int64_t now_ms,
                 std::chrono::milliseconds default_lifetime) {
  const auto lifetime = reply.lifetime.count() > 0 ? reply.lifetime : default_lifetime;
  state.replies.push_back({state.next_id++, reply.chat_id, std::move(reply.text), reply.format,
                           std::move(reply.keyboard), now_ms, now_ms + lifetime.count(), 0});
}

AppliedBatch apply_batch(const UpdateBatch& batch, CommandHandler& handler, BotState& state,
                         BotStateDocument& document, const sdk::Fence& fence, std::int64_t now_ms,
                         std::chrono::milliseconds reply_lifetime, sdk::Logger& log) {
  AppliedBatch applied;
  BotState before = state;
  for (const auto& update : batch.updates) {
    BotActions actions;
    try {
      actions = handler.handle(update, now_ms, fence);
    } catch (const std::exception& e) {
      log.error("update ", update.update_id, " could not be handled: ", e.what());
    }
    for (auto& reply : actions.replies) queue_reply(state, std::move(reply), now_ms, reply_lifetime);
    actions.replies.clear();
    for (const auto& run : actions.runs) {
      applied.runs.push_back({state.next_id++, run.chat_id, run.user, run.check});
      state.runs.push_back(applied.runs.back());
    }
    applied.performed.push_back(std::move(actions));
  }
  state.offset = batch.next_offset;
  state.forget_ended_mutes(now_ms);
  applied.commit = document.commit(state, fence);
  if (applied.commit.outcome != BotStateDocument::Outcome::written) {
    state = std::move(before);
    applied.performed.clear();
    applied.runs.clear();
  }
  return applied;
}

}  // namespace notifyd::telegram
