#include "replay.hpp"

#include <algorithm>

namespace notifyd::websocket {
namespace {

constexpr std::uint32_t page_size = 500;

bool routed_to(const sdk::HistoryEntry& entry, std::string_view channel) {
  return std::any_of(entry.deliveries.begin(), entry.deliveries.end(),
                     [&](const sdk::DeliveryRecord& delivery) { return delivery.channel == channel; });
}

}  // namespace

sdk::Result<Replay> collect_replay(const sdk::NotificationService& history, std::string_view user,
                                   std::string_view channel, std::uint64_t since, std::uint32_t limit) {
  Replay replay;
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
      if (!routed_to(entry, channel)) continue;
      if (replay.notifications.size() == limit) {
        replay.truncated = true;
        finished = true;
        break;
      }
      replay.notifications.push_back(std::move(entry.notification));
    }
    if (page.value().size() < query.limit || page.value().empty()) break;
    query.before_id = page.value().back().notification.id;
  }
  std::reverse(replay.notifications.begin(), replay.notifications.end());
  if (!replay.notifications.empty()) {
    replay.first_id = replay.notifications.front().id;
    replay.last_id = replay.notifications.back().id;
  }
  return replay;
}

}  // namespace notifyd::websocket
