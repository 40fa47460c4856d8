#pragma once
// Calling a route another plugin registered, from inside the dashboard (to
// render the Telegram card on the server).

#include <functional>
#include <string>

#include "notifyd/sdk/http.hpp"

namespace notifyd::webui {

/// Calls the `surface_web` route for `method` `path` as `caller` and hands its
/// answer to `done` (exactly once, from any thread; a throwing handler is a
/// 500). False, without calling `done`, when no such route is registered.
bool call_web_route(const sdk::RouteRegistry& routes, const std::string& method, const std::string& path,
                    const sdk::Caller& caller, std::function<void(sdk::HttpResponse)> done);

/// True when some plugin registered `method` `path` for `surface_web`.
bool has_web_route(const sdk::RouteRegistry& routes, std::string_view method, std::string_view path) noexcept;

}  // namespace notifyd::webui
