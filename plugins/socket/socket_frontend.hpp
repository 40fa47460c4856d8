#pragma once

#include <functional>
#include <memory>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::socket_api {

struct ServerState;
class SocketListener;

/// The unix-socket HTTP/1.1 front-end: serves the seed's send API, the v1 API
/// and every route registered for `surface_socket`, to local callers
/// identified by SO_PEERCRED. Lifecycle calls run on the plugin's executor.
class SocketFrontend final : public sdk::Frontend {
 public:
  explicit SocketFrontend(sdk::Host& host);
  ~SocketFrontend() override;

  /// Declares the config keys (`path`, `mode`, `group`, limits, timeouts, photo directories).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings (mode, group, photo directories).
  sdk::Status configure() noexcept override;
  /// Binds the socket (refusing to take over a live one) and starts accepting.
  sdk::Status start() noexcept override;
  /// Stops accepting, removes the socket file, closes every connection after
  /// its current response, and calls `done` when the last one is gone.
  void stop(std::function<void()> done) noexcept override;

 private:
  sdk::Host& host_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<SocketListener> listener_;
  sdk::SocketFileIdentity socket_file_;
};

}  // namespace notifyd::socket_api
