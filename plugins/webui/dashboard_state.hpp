#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api_tokens.hpp"
#include "login_links.hpp"
#include "notifyd/sdk/host.hpp"
#include "session_store.hpp"
#include "web_app.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// What the request handler and the socket routes of one dashboard (login
/// links, API tokens) share: its settings, the sign-ins (in the replicas'
/// ephemeral keys), the API tokens (a shared document), the request
/// handling and where sign-in links point. Made at configure; held
/// by shared_ptr by the plugin and its server's handler (the route holds it
/// weakly). Thread-safe: settings are read-only, the stores are the shared keys.
struct DashboardState : std::enable_shared_from_this<DashboardState> {
  DashboardState(sdk::Host& host, WebSettings settings);

  /// Where sign-in links point (`public_url`, else the bound address); empty before start.
  std::string base_url() const;
  /// Sets the base URL once the server is bound.
  void set_base_url(std::string url);

  sdk::Host& host;
  const WebSettings settings;
  SessionStore sessions;
  LoginLinks links;
  ApiTokens tokens;
  const WebApp app;

 private:
  mutable std::mutex mutex_;
  std::string base_url_;
};

}  // namespace notifyd::webui
