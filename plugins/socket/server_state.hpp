#pragma once

#include "builtin_routes.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "session_registry.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api {

/// What the listener and every session of one front-end instance share.
/// Made at configure; held by shared_ptr by the plugin, the listener and each
/// session, so it lives until the last session is gone. Thread-safe: the
/// settings and routes are read-only, the registry and metrics lock or are atomic.
struct ServerState {
  ServerState(sdk::Host& host, SocketSettings settings);

  /// Counts one answered request; error statuses also by status.
  void count_response(unsigned status) noexcept;

  sdk::Host& host;
  const SocketSettings settings;
  const BuiltinRoutes routes;
  SessionRegistry sessions;
  sdk::Counter& requests;
};

}  // namespace notifyd::socket_api
