#pragma once
// POST /api/desktop/token: a desktop token for the caller, for the web
// dashboard ("connect the desktop app") and `notifyctl desktop-token`; and
// GET /api/desktop/status: whether desktop push is on.

#include <cstdint>
#include <optional>
#include <string>

#include "notifyd/sdk/http.hpp"
#include "websocket_settings.hpp"

namespace notifyd::websocket {

/// The route's path.
inline constexpr std::string_view token_route_path = "/api/desktop/token";

/// The status route's path.
inline constexpr std::string_view status_route_path = "/api/desktop/status";

/// Largest request body the route reads.
inline constexpr std::size_t max_token_request_bytes = 4096;

/// A token the route issued, for the ledger of desktop users.
struct IssuedToken {
  std::string user;
  std::int64_t expires_at = 0;  ///< Unix seconds
};

/// What one request produced: the response, and the token when one was issued.
struct TokenAnswer {
  sdk::HttpResponse response;
  std::optional<IssuedToken> issued;
};

/// Answers one request: 401 without an authenticated caller, 400 for a body
/// that is not empty, `{}` or `{"user": "<name>"}`, 403 for another user
/// unless the caller is an admin, else 200 with
/// `{"token","user","expires_at","url"}` (expiry `token_ttl` from `now_ms`).
/// Pure apart from the signature; never throws on bad input.
TokenAnswer answer_token_request(const sdk::HttpRequest& request, const WebSocketSettings& settings,
                                 std::int64_t now_ms);

/// Answers `GET /api/desktop/status`: 401 without an authenticated caller,
/// else 200 with `{"configured": bool}` (false while the channel has no `jwt_secret`).
sdk::HttpResponse answer_status_request(const sdk::HttpRequest& request, bool configured);

/// The host name of a Host header (`example.com:8080` → `example.com`,
/// `[::1]:80` → `::1`); empty when it is missing or not a plain host name.
std::string host_name_of(std::string_view host_header);

}  // namespace notifyd::websocket
