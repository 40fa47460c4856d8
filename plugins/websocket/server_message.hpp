#pragma once
// The JSON text frames the server sends, in the seed's shapes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::websocket {

/// What `auth_ok` reports about a replay requested with `since`.
struct ReplaySummary {
  std::size_t count = 0;   ///< notifications replayed after `auth_ok`
  bool truncated = false;  ///< more were missed than `replay_limit`; the oldest were left out
};

/// `{"type":"auth_ok","username":…}`; with `replay`, also `"replayed"` and `"replay_truncated"`.
std::string auth_ok_message(std::string_view user, const std::optional<ReplaySummary>& replay);

/// `{"type":"auth_error","message":…}`.
std::string auth_error_message(std::string_view message);

/// `{"type":"ping"}`, the seed's heartbeat.
std::string ping_message();

/// `{"type":"pong"}`, the answer to a client's ping.
std::string pong_message();

/// `{"type":"notification","id","title","message","script","timestamp","image_url"}`:
/// `script` is the notification's source, `timestamp` ISO-8601 UTC, `image_url`
/// null without an image, else `<image_base_url>/api/notifications/images/<id>`
/// (relative when `image_base_url` is empty).
std::string notification_message(const sdk::Notification& notification, std::string_view image_base_url);

}  // namespace notifyd::websocket
