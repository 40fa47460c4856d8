#pragma once
// `POST /api/login-link` on the unix socket: what `notifyctl login` calls.

#include <memory>

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

struct DashboardState;

/// Path of the route on `surface_socket`.
inline constexpr const char* login_link_path = "/api/login-link";

/// The route: the socket's caller (from SO_PEERCRED) gets a one-time sign-in
/// URL for itself, `{"url","user","expires_at"}`. 503 before the dashboard
/// listens or after it stopped (`state` is held weakly).
sdk::Route make_login_link_route(std::weak_ptr<DashboardState> state);

}  // namespace notifyd::webui
