#pragma once
// Who may reach what: the rules every request passes before a handler runs.
// Pure functions, tested without a network.

#include <string_view>

namespace notifyd::webui {

/// What kind of thing a request asks for.
enum class Area {
  open,  ///< sign-in pages, assets, health, routes registered as public
  page,  ///< an HTML page: without a session the browser is sent to /login
  api,   ///< `/api/*`, `/v1/*`: without a session the answer is 401 JSON
};

/// The facts about one request that the rules look at.
struct AccessFacts {
  std::string_view method;
  Area area = Area::api;
  bool signed_in = false;     ///< a user is known (session, trusted proxy header, or demo mode)
  bool has_session = false;   ///< a session cookie belonging to that user came with it
  bool csrf_ok = false;       ///< the request carried that session's CSRF token
  bool same_origin = true;    ///< `Origin`/`Sec-Fetch-Site` do not name another site
};

/// The rules' answer.
enum class Verdict {
  serve,
  redirect_to_login,  ///< 303 to /login (pages)
  unauthorized,       ///< 401 JSON (API)
  csrf_refused,       ///< 403: state-changing request without the session's CSRF token
  cross_origin,       ///< 403: state-changing request from another site
};

/// True for methods that may change state (anything but GET, HEAD, OPTIONS).
bool is_state_changing(std::string_view method) noexcept;

/// True for `/api`, `/api/...`, `/v1`, `/v1/...`.
bool is_api_path(std::string_view path) noexcept;

/// Applies the rules: cross-site state changes are refused first; then a
/// signed-in user is required outside the open area (401 for the API, a
/// redirect for pages); then every state-changing request needs a session and
/// its CSRF token, whoever registered the route.
Verdict decide_access(const AccessFacts& facts) noexcept;

/// True when `origin` (an `Origin` header) names the same host and port as
/// `host` (the `Host` header), and `fetch_site` (`Sec-Fetch-Site`) is empty,
/// `same-origin` or `none`. An absent origin counts as the same; `null` does not.
bool is_same_origin(std::string_view origin, std::string_view host, std::string_view fetch_site) noexcept;

/// True when a `Host` header names this machine by a loopback name
/// (`localhost`, `127.x.x.x`, `[::1]`), with or without a port.
bool is_loopback_host(std::string_view host);

/// True when a `Host` header names the host and port of `public_url`
/// (`https://notify.example.com`); false when `public_url` is empty.
bool is_public_host(std::string_view host, std::string_view public_url);

}  // namespace notifyd::webui
