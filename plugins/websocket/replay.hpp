#pragma once
// What a reconnecting desktop app missed: the notifications routed to this
// channel with an id above the app's `since`, read from history.

#include <cstdint>
#include <string_view>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// History pages read at most per replay, so a user whose history holds many
/// notifications for other channels cannot make one auth scan it all.
inline constexpr std::uint32_t max_replay_pages = 20;

/// The notifications to replay, oldest first, and the id range they cover.
struct Replay {
  std::vector<sdk::Notification> notifications;
  bool truncated = false;     ///< more were missed than the limit: the oldest are left out
  std::uint64_t first_id = 0; ///< the oldest replayed id (0 when none)
  std::uint64_t last_id = 0;  ///< the newest replayed id (0 when none)

  /// True when a live delivery of `id` is already covered by this replay: every
  /// notification for this channel with an id in [first_id, last_id] was replayed.
  bool covers(std::uint64_t id) const noexcept { return last_id != 0 && id >= first_id && id <= last_id; }
};

/// Reads `user`'s history newest first, keeps the notifications routed to
/// `channel` with an id above `since`, at most `limit` of them (the newest),
/// and returns them oldest first. A blocking read: call on a connection's
/// strand, never from a pipeline thread.
sdk::Result<Replay> collect_replay(const sdk::NotificationService& history, std::string_view user,
                                   std::string_view channel, std::uint64_t since, std::uint32_t limit);

}  // namespace notifyd::websocket
