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

/// The `message` texts of `auth_error`, word for word the seed gateway's:
/// desktop apps compare them.
namespace auth_error_text {
inline constexpr std::string_view invalid_token = "Invalid token";  ///< any fault of the token
inline constexpr std::string_view timeout = "Auth timeout";
inline constexpr std::string_view invalid_json = "Invalid JSON";
inline constexpr std::string_view expected_auth = "Expected auth message with token";
inline constexpr std::string_view too_many_connections = "Too many connections";
}  // namespace auth_error_text

/// `{"type":"auth_ok","username":…}`; with `replay`, also `"replayed"` and `"replay_truncated"`.
std::string auth_ok_message(std::string_view user, const std::optional<ReplaySummary>& replay);

/// `{"type":"auth_error","message":…}` with one of the seed's texts (see
/// auth_error_text); a non-empty `reason` (the specific fault) is added as `"reason"`.
std::string auth_error_message(std::string_view message, std::string_view reason = {});

/// `{"type":"ping"}`, the seed's heartbeat.
std::string ping_message();

/// `{"type":"pong"}`, the answer to a client's ping.
std::string pong_message();

/// `{"type":"notification","id","title","message","script","timestamp","image_url",
/// "priority","tags"}`: the seed gateway's frame, with notifyd's fields added
/// after its own (a desktop app that knows only the seed's ignores them): `id`
/// a string (the notification id in decimal), `script` the notification's
/// source, `timestamp` `YYYY-MM-DDTHH:MM:SSZ` (UTC, no fraction), `image_url`
/// null without an image, else `<image_base_url>/api/notifications/images/<id>`
/// (relative when `image_base_url` is empty), `priority` a number 1–5 (3
/// unless the sender chose), `tags` an array of strings (empty for none).
std::string notification_message(const sdk::Notification& notification, std::string_view image_base_url);

}  // namespace notifyd::websocket
