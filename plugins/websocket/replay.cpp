#include "replay.hpp"

#include <algorithm>

namespace notifyd::websocket {
namespace {

constexpr std::uint32_t page_size = 500;
// What a replayed notification costs besides its text (object, frame's fields).
constexpr std::size_t per_notification_bytes = 256;

const sdk::DeliveryRecord* delivery_to(const sdk::HistoryEntry& entry, std::string_view channel) {
  const auto found = std::find_if(entry.deliveries.begin(), entry.deliveries.end(),
                                  [&](const sdk::DeliveryRecord& delivery) { return delivery.channel == channel; });
  return found == entry.deliveries.end() ? nullptr : &*found;
}

}  // namespace

sdk::Result<Replay> collect_replay(const sdk::NotificationService& history, std::string_view user,
                                   std::string_view channel, std::uint64_t since, std::uint32_t limit,
                                   std::size_t max_bytes) {
  Replay replay;
  sdk::HistoryQuery newest;  // every user's: ids are global
  newest.limit = 1;
  auto top = history.history(newest);
  if (!top) return sdk::Result<Replay>::failure(top.error());
  if (top.value().empty() || since > top.value().front().notification.id) since = 0;
  replay.coverage.acknowledged = since;

  sdk::HistoryQuery query;
  query.user = std::string(user);
  query.limit = page_size;
  bool finished = false;
  if (limit == 0) {
    // Nothing is replayed; whether anything was missed still matters to the client.
    query.limit = 1;
    auto page = history.history(query);
    if (!page) return sdk::Result<Replay>::failure(page.error());
    replay.truncated = !page.value().empty() && page.value().front().notification.id > since;
    return replay;
  }
  std::size_t bytes = 0;
  for (std::uint32_t pages = 0; !finished; ++pages) {
    if (pages == max_replay_pages) {
      replay.truncated = true;
      break;
    }
    auto page = history.history(query);
    if (!page) return sdk::Result<Replay>::failure(page.error());
    for (auto& entry : page.value()) {
      if (entry.notification.id <= since) {
        finished = true;
        break;
      }
      const sdk::DeliveryRecord* delivery = delivery_to(entry, channel);
      if (!delivery) continue;
      auto& n = entry.notification;
      const std::size_t size = n.title.size() + n.message.size() + n.source.size() + per_notification_bytes;
      if (replay.notifications.size() == limit || (!replay.notifications.empty() && bytes + size > max_bytes)) {
        replay.truncated = true;
        finished = true;
        break;
      }
      bytes += size;
      if (delivery->state == "pending") replay.pending.insert(n.id);
      n.data_json = {};
      replay.notifications.push_back(std::move(n));
    }
    if (page.value().size() < query.limit || page.value().empty()) break;
    query.before_id = page.value().back().notification.id;
  }
  std::reverse(replay.notifications.begin(), replay.notifications.end());
  if (!replay.notifications.empty()) {
    replay.coverage.first_id = replay.notifications.front().id;
    replay.coverage.last_id = replay.notifications.back().id;
  }
  return replay;
}

}  // namespace notifyd::websocket
