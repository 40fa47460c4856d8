#pragma once
// Routes that plugins register with the host and front-ends serve.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Where a route is served. A bit set: a route may be meant for several.
enum Surface : std::uint32_t {
  surface_socket = 1u << 0,  ///< the unix-socket API (local users, notifyctl)
  surface_web = 1u << 1,     ///< the HTTP dashboard and its JSON API
};

/// Who sent a request, as established by the front-end that received it.
struct Caller {
  std::string user;      ///< Unix user name; empty when not authenticated
  bool admin = false;    ///< member of the configured admin group (or root)
  /// True when `user` may act for `target` (itself, or any user when admin).
  bool may_act_for(std::string_view target) const noexcept { return admin || (!user.empty() && user == target); }
};

/// A request as a front-end hands it to a route handler.
struct HttpRequest {
  std::string method;                               ///< "GET", "POST", ...
  std::string path;                                 ///< decoded path without query
  std::map<std::string, std::string, std::less<>> query;    ///< decoded query parameters
  std::map<std::string, std::string, std::less<>> headers;  ///< lower-case names
  std::string body;
  Caller caller;
  std::vector<std::string> path_params;             ///< what followed a prefix route's path

  /// The header `name` (lower-case), or empty.
  std::string_view header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string_view{} : std::string_view{it->second};
  }
  /// The query parameter `name`, or nullopt.
  std::optional<std::string_view> param(std::string_view name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return std::string_view{it->second};
  }
};

/// A response a route handler produces.
struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  /// A JSON response with `body` as given.
  static HttpResponse json(unsigned status, std::string body) {
    return {status, "application/json", std::move(body), {}};
  }
  /// The seed's error shape: `{"error": "<message>"}` with `status`.
  static HttpResponse error(unsigned status, std::string_view message);
};

/// Completes a request. May be called from any thread, exactly once.
using Responder = std::function<void(HttpResponse)>;

/// Handles a request. Called on the front-end session's executor; must not
/// block (post long work to the plugin's executor) and must not throw.
using RouteHandler = std::function<void(HttpRequest, Responder)>;

/// A route a plugin offers to front-ends.
struct Route {
  std::string method;            ///< "GET", "POST", ...
  std::string path;              ///< exact path, or a prefix when `prefix` is true
  bool prefix = false;           ///< match `path` + "/<rest>"; rest goes to `path_params`
  std::uint32_t surfaces = surface_socket;  ///< Surface bits
  bool public_access = false;    ///< served without an authenticated caller
  RouteHandler handler;
};

/// The host's table of routes. Plugins add routes in their constructor or
/// `configure()`; front-ends look routes up per request. Thread-safe. Routes
/// are never removed while the daemon runs and are dropped right after the
/// plugin objects at shutdown; a handler must not keep its plugin alive.
class RouteRegistry {
 public:
  virtual ~RouteRegistry() = default;
  /// Adds a route; fails when the same method and path are already taken on a shared surface.
  virtual Status add(Route route) noexcept = 0;
  /// What `find` answers.
  struct Match {
    const Route* route = nullptr;        ///< the route, or nullptr
    bool path_known = false;             ///< another method exists for the path (→ 405)
    std::vector<std::string> path_params;
  };
  /// Looks up the route for `method` and `path` on `surface`.
  virtual Match find(Surface surface, std::string_view method, std::string_view path) const noexcept = 0;
};

/// `text` as a JSON string literal, quotes included. Any bytes in, valid JSON out.
std::string json_quote(std::string_view text);

}  // namespace notifyd::sdk
