#pragma once
// POST /dispatch, the seed gateway's own API (its web app and runner posted
// `{"user", "notification"}` to it): here the notification goes through the
// pipeline to this channel, so it is stored in history and waits for an app
// that is offline, and the answer is the seed's `{"sent": n}`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The route's path.
inline constexpr std::string_view dispatch_route_path = "/dispatch";

/// Largest request body the route reads.
inline constexpr std::size_t max_dispatch_request_bytes = 512 * 1024;

/// What a request may do before its body is read: only root and members of
/// the admin group may dispatch (the seed's gateway socket was theirs alone).
/// An error response, or nullopt when the caller may.
std::optional<sdk::HttpResponse> refuse_dispatch_caller(const sdk::Caller& caller);

/// Reads `{"user": "<name>", "notification": {...}}` into a request for
/// `channel`. The notification's `title`, `message` (at least one of them),
/// `script` (the source; "dispatch" when missing) and `data` (an object, kept
/// with it) are used; other fields (the `type`, `id`, `timestamp`,
/// `image_url` the gateway added or passed on) are ignored. The error is for
/// a 400 answer. Never throws on bad input.
sdk::Result<sdk::PublishRequest> parse_dispatch_request(std::string_view body, std::string_view channel);

/// The seed's answer: `{"sent": <connections it reached>}`, plus `"id"` (the
/// stored notification's id, a string as in frames) when it was stored.
std::string dispatch_answer(std::size_t sent, std::uint64_t id);

}  // namespace notifyd::websocket
