#pragma once

#include <functional>
#include <memory>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

struct DashboardState;

/// The web dashboard: an HTTP(S) front-end serving its own pages and JSON
/// API and every route registered for `surface_web`, to users identified by
/// the configured sign-in mode, through the SDK's HTTP server. Lifecycle
/// calls run on the plugin's executor; what they throw the plugin adapter reports.
class WebDashboard final {
 public:
  explicit WebDashboard(sdk::Host& host);
  ~WebDashboard();
  WebDashboard(const WebDashboard&) = delete;
  WebDashboard& operator=(const WebDashboard&) = delete;

  /// Declares the config keys (`listen`, TLS files, `auth` and its options, limits, timeouts).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings (refusing `auth = "none"` off loopback), loads the
  /// TLS files, and registers `POST /api/login-link` on the socket for `auth = "link"`
  /// and `/v1/tokens` (notifyctl token).
  sdk::Status configure();
  /// Binds the address and starts accepting; logs the URL.
  sdk::Status start();
  /// Stops accepting, closes every connection after its current response,
  /// saves the sign-ins, and calls `done` when the last connection is gone.
  void stop(std::function<void()> done);

 private:
  sdk::Host& host_;
  std::shared_ptr<DashboardState> state_;
  std::shared_ptr<sdk::http::Server> server_;
};

}  // namespace notifyd::webui
