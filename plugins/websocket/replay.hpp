#pragma once
// What a reconnecting desktop app missed: the notifications routed to this
// channel with an id above the app's `since`, read from history.

#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// History pages read at most per replay, so a user whose history holds many
/// notifications for other channels cannot make one auth scan it all.
inline constexpr std::uint32_t max_replay_pages = 20;

/// Which live deliveries a connection's app has already: those up to its
/// `since`, and those its replay sent.
struct ReplayCoverage {
  std::uint64_t acknowledged = 0;  ///< the app's `since`, when it names an id this store has issued
  std::uint64_t first_id = 0;      ///< the oldest replayed id (0 when none)
  std::uint64_t last_id = 0;       ///< the newest replayed id (0 when none)

  /// True when the app has `id` already: every notification for this channel
  /// with an id up to `acknowledged` or in [first_id, last_id] reached it.
  bool covers(std::uint64_t id) const noexcept {
    return id <= acknowledged || (last_id != 0 && id >= first_id && id <= last_id);
  }
};

/// The notifications to replay, oldest first, and what they cover.
struct Replay {
  std::vector<sdk::Notification> notifications;  ///< without `data_json`, which frames do not carry
  bool truncated = false;  ///< more were missed than the limits allow: the oldest are left out
  ReplayCoverage coverage;
  std::unordered_set<std::uint64_t> pending;  ///< the ids among them whose delivery here history holds as pending
};

/// Reads `user`'s history newest first, keeps the notifications routed to
/// `channel` with an id above `since`, at most `limit` of them and about
/// `max_bytes` of text (the newest), and returns them oldest first. A `since`
/// above every id the store has issued (the app last talked to a store that
/// has since been reset) counts as 0. A blocking read: call on a
/// connection's strand, never from a pipeline thread.
sdk::Result<Replay> collect_replay(const sdk::NotificationService& history, std::string_view user,
                                   std::string_view channel, std::uint64_t since, std::uint32_t limit,
                                   std::size_t max_bytes);

}  // namespace notifyd::websocket
