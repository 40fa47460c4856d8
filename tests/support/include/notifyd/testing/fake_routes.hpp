#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::testing {

/// A route table that refuses duplicates and matches exact and prefix routes as the
/// host's does (a prefix route's rest is split into segments). Thread-safe.
class FakeRoutes : public sdk::RouteRegistry {
 public:
  sdk::Status add(sdk::Route route) noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& existing : routes_) {
      if (existing->method == route.method && existing->path == route.path && existing->prefix == route.prefix &&
          (existing->surfaces & route.surfaces)) {
        return sdk::Status::failure("route " + route.method + " " + route.path + " is already registered");
      }
    }
    routes_.push_back(std::make_unique<sdk::Route>(std::move(route)));
    return sdk::Status::success();
  }
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override {
    std::lock_guard lock(mutex_);
    Match match;
    for (const auto& route : routes_) {
      if (!(route->surfaces & surface)) continue;
      std::vector<std::string> params;
      if (route->prefix) {
        if (path.size() <= route->path.size() + 1 || !path.starts_with(route->path) || path[route->path.size()] != '/') {
          continue;
        }
        std::string_view rest = path.substr(route->path.size() + 1);
        while (!rest.empty()) {
          const auto slash = rest.find('/');
          params.emplace_back(rest.substr(0, slash));
          if (slash == std::string_view::npos) break;
          rest.remove_prefix(slash + 1);
        }
      } else if (route->path != path) {
        continue;
      }
      if (route->method != method) {
        match.path_known = true;
        continue;
      }
      match.route = route.get();
      match.path_params = std::move(params);
      return match;
    }
    return match;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<sdk::Route>> routes_;
};

}  // namespace notifyd::testing
