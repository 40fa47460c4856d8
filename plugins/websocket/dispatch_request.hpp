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

/// A dispatch as read from its body.
struct DispatchRequest {
  sdk::PublishRequest publish;  ///< for this channel only; the image not read yet
  std::string image_path;       ///< the notification's `image_path`, or empty
};

/// Reads `{"user": "<name>", "notification": {...}}` into a request for
/// `channel`. The notification's `title`, `message`, `script` (the source;
/// "dispatch" when missing), `image_path` (an absolute path) and `data` (an
/// object, kept with it) are used; a title, a message or an image is needed.
/// Other fields (the `type`, `id`, `timestamp`, `image_url` the gateway added
/// or passed on) are ignored. The error is for a 400 answer. Never throws on
/// bad input.
sdk::Result<DispatchRequest> parse_dispatch_request(std::string_view body, std::string_view channel);

/// Reads `image_path` into `request` for `caller`; returns why it could not
/// (empty when attached or when there is none). As the old runner did, the
/// text then goes alone. Only root's dispatches carry images (root may read
/// any file; for other admins the daemon cannot tell what they may read). A
/// blocking read of at most `max_bytes`: call it off the front-end's strand.
std::string attach_dispatch_image(DispatchRequest& request, const sdk::Caller& caller, std::uint64_t max_bytes);

/// The seed's answer: `{"sent": <connections it reached>}`, plus `"id"` (the
/// stored notification's id, a string as in frames) when it was stored, and
/// `"warning"` when not empty.
std::string dispatch_answer(std::size_t sent, std::uint64_t id, std::string_view warning = {});

}  // namespace notifyd::websocket
