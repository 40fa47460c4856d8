#include "shared_log.hpp"

#include <algorithm>

namespace notifyd::websocket {

sdk::Result<SharedLogPage> read_shared_log(const sdk::NotificationService& history, std::string_view channel,
                                           std::uint64_t after,
                                           const std::function<bool(std::string_view user)>& wanted) {
  sdk::HistoryQuery query;  // every user's: the cursor is global
  query.limit = shared_log_page;
  query.after_id = after;
  auto page = history.history(query);
  if (!page) return sdk::Result<SharedLogPage>::failure(page.error());
  auto& entries = page.value();
  // Without a lower bound the store answers newest first.
  if (after == 0) std::reverse(entries.begin(), entries.end());
  SharedLogPage step;
  step.cursor = after;
  step.more = entries.size() == query.limit;
  for (auto& entry : entries) {
    if (entry.notification.id <= step.cursor) continue;
    step.cursor = entry.notification.id;
    if (auto logged = logged_notification(std::move(entry), channel, wanted)) {
      step.notifications.push_back(std::move(*logged));
    }
  }
  return step;
}

std::optional<LoggedNotification> logged_notification(sdk::HistoryEntry entry, std::string_view channel,
                                                      const std::function<bool(std::string_view user)>& wanted) {
  const auto delivery = std::find_if(entry.deliveries.begin(), entry.deliveries.end(),
                                     [&](const sdk::DeliveryRecord& d) { return d.channel == channel; });
  if (delivery == entry.deliveries.end() || !wanted(entry.notification.user)) return std::nullopt;
  const bool pending = delivery->state == "pending";
  entry.notification.data_json = {};
  return LoggedNotification{std::move(entry.notification), pending};
}

sdk::Result<std::uint64_t> newest_notification_id(const sdk::NotificationService& history) {
  sdk::HistoryQuery newest;
  newest.limit = 1;
  auto top = history.history(newest);
  if (!top) return sdk::Result<std::uint64_t>::failure(top.error());
  return top.value().empty() ? std::uint64_t{0} : top.value().front().notification.id;
}

}  // namespace notifyd::websocket
