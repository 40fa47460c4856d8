#pragma once
// What the desktop channel's HTTP server does: the plain requests it answers
// (a notification's image for its owner's app; 426 for anything else), the
// Origin check before an upgrade, and desktop sessions made from the
// connections the SDK server hands over.

#include <memory>
#include <optional>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/http/server.hpp"

namespace notifyd::websocket {

struct ServerState;

/// Where the images of notification frames (`image_url`) are served, here as on the dashboard.
inline constexpr std::string_view image_path_prefix = "/api/notifications/images/";

/// The answer to a request that is not an upgrade: `GET <image_path_prefix><id>`
/// with the owner's desktop token (`Authorization: Bearer`) gets the image
/// (401 without a valid token, 404 for someone else's notification or a missing
/// one, alike); anything else 426.
sdk::HttpResponse answer_desktop_request(const ServerState& state, const sdk::HttpRequest& request);

/// 403 for an upgrade from a browser page whose Origin is not in
/// `allowed_origins` (logged with `peer`); nullopt lets it through. A client
/// sending no Origin (the desktop app) is let through.
std::optional<sdk::HttpResponse> check_desktop_upgrade(const ServerState& state, const sdk::http::Peer& peer,
                                                       const sdk::HttpRequest& request);

/// The SDK server options of the channel: the two answers above, one desktop
/// session per upgrade, every connection counted in `state`'s registry from
/// its accept (the share per address, `max_connections` over HTTP and
/// desktop connections together), TLS when configured.
sdk::http::ServerOptions desktop_server_options(const std::shared_ptr<ServerState>& state);

}  // namespace notifyd::websocket
