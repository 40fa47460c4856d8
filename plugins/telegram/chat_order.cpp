#include "chat_order.hpp"

#include <algorithm>

namespace notifyd::telegram {

void ChatOrder::attempted(std::uint64_t id) { asked_.erase(id); }

bool ChatOrder::hold(std::int64_t chat, const std::string& user, std::uint64_t id, std::int64_t accepted_at_ms) {
  const auto found = std::find_if(state_.held.begin(), state_.held.end(),
                                  [&](const HeldNotification& held) { return held.notification_id == id; });
  if (found != state_.held.end()) {
    if (found->chat_id == chat) return false;
    found->chat_id = chat;
    return true;
  }
  state_.held.push_back({id, chat, user, accepted_at_ms});
  return true;
}

bool ChatOrder::release(std::uint64_t id) {
  asked_.erase(id);
  return std::erase_if(state_.held, [&](const HeldNotification& held) { return held.notification_id == id; }) > 0;
}

const HeldNotification* ChatOrder::blocking(std::int64_t chat, std::int64_t accepted_at_ms) const {
  const HeldNotification* earliest = nullptr;
  for (const auto& held : state_.held) {
    if (held.chat_id != chat || held.accepted_at_ms > accepted_at_ms) continue;
    if (!earliest || held.accepted_at_ms < earliest->accepted_at_ms) earliest = &held;
  }
  return earliest;
}

bool ChatOrder::reply_ahead(std::int64_t chat, std::int64_t accepted_at_ms) const {
  return std::any_of(state_.replies.begin(), state_.replies.end(), [&](const QueuedReply& reply) {
    return reply.chat_id == chat && reply.created_at_ms < accepted_at_ms;
  });
}

void ChatOrder::asked_to_retry(std::uint64_t id, Clock::time_point now) { asked_.try_emplace(id, now); }

bool ChatOrder::forget_unanswered(Clock::time_point now) {
  bool forgot = false;
  for (auto it = asked_.begin(); it != asked_.end();) {
    if (now - it->second < unanswered_hold) {
      ++it;
      continue;
    }
    const std::uint64_t id = it->first;
    it = asked_.erase(it);
    forgot = std::erase_if(state_.held, [&](const HeldNotification& held) { return held.notification_id == id; }) > 0 ||
             forgot;
  }
  return forgot;
}

void ChatOrder::migrate(std::int64_t from, std::int64_t to) {
  for (auto& held : state_.held) {
    if (held.chat_id == from) held.chat_id = to;
  }
}

}  // namespace notifyd::telegram
