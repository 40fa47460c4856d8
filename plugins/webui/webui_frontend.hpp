#pragma once

#include <functional>
#include <memory>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/plugin.hpp"

namespace notifyd::webui {

struct ServerState;
class WebListener;

/// The web dashboard: an HTTP(S) front-end serving its own pages and JSON
/// API and every route registered for `surface_web`, to users identified by
/// the configured sign-in mode. Lifecycle calls run on the plugin's executor.
class WebDashboard final : public sdk::Frontend {
 public:
  explicit WebDashboard(sdk::Host& host);
  ~WebDashboard() override;

  /// Declares the config keys (`listen`, TLS files, `auth` and its options, limits, timeouts).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings (refusing `auth = "none"` off loopback), loads the
  /// TLS files, and registers `POST /api/login-link` on the socket for `auth = "link"`.
  sdk::Status configure() noexcept override;
  /// Binds the address and starts accepting; logs the URL.
  sdk::Status start() noexcept override;
  /// Stops accepting, closes every connection after its current response,
  /// and calls `done` when the last one is gone.
  void stop(std::function<void()> done) noexcept override;

 private:
  sdk::Host& host_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<WebListener> listener_;
};

}  // namespace notifyd::webui
