#pragma once

#include <cstdint>
#include <deque>
#include <shared_mutex>

#include "notifyd/sdk/http.hpp"

namespace notifyd::core {

/// The host's `sdk::RouteRegistry`. Each route belongs to the plugin instance
/// that added it (`owner`); when that instance is stopped for good its routes
/// are retired: no longer found, kept in memory so that the pointers `find`
/// handed out stay valid (the instance object also lives on until exit).
class RouteTable final : public sdk::RouteRegistry {
 public:
  /// A route of no instance (the host's own).
  sdk::Status add(sdk::Route route) noexcept override;
  /// A route of instance `owner` (non-zero).
  sdk::Status add(sdk::Route route, std::uint64_t owner) noexcept;
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override;
  /// Retires every route of `owner`.
  void retire(std::uint64_t owner) noexcept;

 private:
  struct Entry {
    sdk::Route route;
    std::uint64_t owner = 0;
    bool retired = false;
  };
  mutable std::shared_mutex mutex_;
  std::deque<Entry> routes_;
};

/// The route registry one plugin instance sees: what it adds is its own.
class InstanceRoutes final : public sdk::RouteRegistry {
 public:
  InstanceRoutes(RouteTable& table, std::uint64_t owner) : table_(table), owner_(owner) {}
  sdk::Status add(sdk::Route route) noexcept override { return table_.add(std::move(route), owner_); }
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override {
    return table_.find(surface, method, path);
  }

 private:
  RouteTable& table_;
  std::uint64_t owner_;
};

}  // namespace notifyd::core
