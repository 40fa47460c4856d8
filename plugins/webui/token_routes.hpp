#pragma once
// `/v1/tokens` on the unix socket: what `notifyctl token` calls.

#include <memory>
#include <vector>

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

struct DashboardState;

/// Path of the routes on `surface_socket`.
inline constexpr const char* tokens_path = "/v1/tokens";

/// The routes, for the socket's caller (from SO_PEERCRED) or, for an admin,
/// the user named by `user` (a query parameter, or a member of the body):
/// `GET /v1/tokens` → `ApiTokenList`; `POST /v1/tokens {"name","expires"}` →
/// `IssuedApiToken` (`expires` as `parse_token_expiry` reads it; 409 when
/// the user has too many); `DELETE /v1/tokens/<id>` → `{"ok":true}`, 404
/// when the user has no such token. 503 after the dashboard stopped (`state`
/// is held weakly) or when the tokens cannot be read.
std::vector<sdk::Route> make_token_routes(std::weak_ptr<DashboardState> state);

}  // namespace notifyd::webui
