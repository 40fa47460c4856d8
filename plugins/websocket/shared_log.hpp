#pragma once
// Reading the shared history forward from a cursor: what the replicas of a
// desktop channel push to the apps connected to them, whichever replica
// accepted the notification.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// A notification routed to the channel, for a user connected here.
struct LoggedNotification {
  sdk::Notification notification;  ///< without `data_json`, which frames do not carry
  bool pending = false;            ///< its delivery on the channel was pending when read
};

/// One step of the tail: what to push, and where the cursor moves.
struct SharedLogPage {
  std::vector<LoggedNotification> notifications;  ///< oldest first
  std::uint64_t cursor = 0;  ///< the newest id read (every id up to it was looked at)
  bool more = false;         ///< the page was full: read again from `cursor`
};

/// Notifications read per step.
inline constexpr std::uint32_t shared_log_page = 500;

/// Reads the notifications with ids above `after` (every user's, oldest
/// first, one page), keeps those routed to `channel` whose user `wanted`
/// accepts. The store's reads stop below ids yet to commit, so nothing
/// below the returned cursor can appear later. A blocking read: call on the plugin's executor.
sdk::Result<SharedLogPage> read_shared_log(const sdk::NotificationService& history, std::string_view channel,
                                           std::uint64_t after,
                                           const std::function<bool(std::string_view user)>& wanted);

/// `entry` as the tail pushes it: when it is routed to `channel` and its
/// user `wanted` accepts.
std::optional<LoggedNotification> logged_notification(sdk::HistoryEntry entry, std::string_view channel,
                                                      const std::function<bool(std::string_view user)>& wanted);

/// The newest id in the store (0 when it is empty).
sdk::Result<std::uint64_t> newest_notification_id(const sdk::NotificationService& history);

}  // namespace notifyd::websocket
