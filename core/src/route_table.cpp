#include "route_table.hpp"

#include <mutex>

namespace notifyd::core {
namespace {

// Splits what follows `prefix/` into segments; nullopt when `path` is not under the prefix.
std::optional<std::vector<std::string>> prefix_params(std::string_view prefix, std::string_view path) {
  if (path.size() <= prefix.size() + 1 || !path.starts_with(prefix) || path[prefix.size()] != '/') return std::nullopt;
  std::vector<std::string> params;
  std::string_view rest = path.substr(prefix.size() + 1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    params.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return params;
}

}  // namespace

sdk::Status RouteTable::add(sdk::Route route) noexcept { return add(std::move(route), 0); }

sdk::Status RouteTable::add(sdk::Route route, std::uint64_t owner) noexcept {
  try {
    if (route.method.empty() || route.path.empty() || route.path.front() != '/' || !route.handler) {
      return sdk::Status::failure("route needs a method, a path starting with '/' and a handler");
    }
    std::unique_lock lock(mutex_);
    for (const auto& [existing, existing_owner, retired] : routes_) {
      if (!retired && existing.method == route.method && existing.path == route.path && existing.prefix == route.prefix &&
          (existing.surfaces & route.surfaces)) {
        return sdk::Status::failure("route " + route.method + " " + route.path + " is already registered");
      }
    }
    routes_.push_back({std::move(route), owner, false});
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void RouteTable::retire(std::uint64_t owner) noexcept {
  std::unique_lock lock(mutex_);
  for (auto& entry : routes_) {
    if (entry.owner == owner) entry.retired = true;
  }
}

sdk::RouteRegistry::Match RouteTable::find(sdk::Surface surface, std::string_view method,
                                           std::string_view path) const noexcept {
  Match match;
  try {
    std::shared_lock lock(mutex_);
    for (const auto& [route, owner, retired] : routes_) {
      if (retired || !(route.surfaces & surface)) continue;
      std::vector<std::string> params;
      if (route.prefix) {
        auto found = prefix_params(route.path, path);
        if (!found) continue;
        params = std::move(*found);
      } else if (route.path != path) {
        continue;
      }
      if (route.method != method) {
        match.path_known = true;
        continue;
      }
      match.route = &route;
      match.path_params = std::move(params);
      return match;
    }
  } catch (...) {
  }
  return match;
}

}  // namespace notifyd::core
