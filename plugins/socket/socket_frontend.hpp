#pragma once

#include <functional>
#include <memory>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::socket_api {

/// The unix-socket HTTP/1.1 front-end: serves the seed's send API, the v1 API
/// and every route registered for `surface_socket` through an sdk::http
/// server, to local callers identified by SO_PEERCRED. Its members run on the
/// plugin's executor, through NOTIFYD_PLUGIN's adapter.
class SocketFrontend {
 public:
  explicit SocketFrontend(sdk::Host& host);

  /// Declares the config keys (`path`, `mode`, `group`, limits, timeouts, photo directories).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings (mode, group, photo directories) and makes the server.
  sdk::Status configure();
  /// Binds the socket (refusing to take over a live one) and starts accepting.
  sdk::Status start();
  /// Stops accepting, removes the socket file, closes every connection after
  /// its current response, and calls `done` when the last one is gone.
  void stop(std::function<void()> done);

 private:
  sdk::Host& host_;
  std::shared_ptr<sdk::http::Server> server_;
  std::string started_line_;  // what start() logs once it listens
};

}  // namespace notifyd::socket_api
