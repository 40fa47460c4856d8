#pragma once

#include <deque>
#include <shared_mutex>

#include "notifyd/sdk/http.hpp"

namespace notifyd::core {

/// The host's `sdk::RouteRegistry`. Routes are added while plugins are set up
/// and never removed, so the pointers `find` returns stay valid.
class RouteTable final : public sdk::RouteRegistry {
 public:
  sdk::Status add(sdk::Route route) noexcept override;
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override;
  /// Drops every route (at shutdown: handlers may hold executors of the io_context).
  void clear() noexcept;

 private:
  mutable std::shared_mutex mutex_;
  std::deque<sdk::Route> routes_;
};

}  // namespace notifyd::core
