#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "login_links.hpp"
#include "notifyd/sdk/host.hpp"
#include "session_store.hpp"
#include "sign_in_file.hpp"
#include "web_app.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

/// What the request handler and the login-link route of one dashboard
/// share: its settings, the sign-ins, the request handling and where sign-in
/// links point. Made at configure; held by shared_ptr by the plugin and its
/// server's handler (the route holds it weakly). Thread-safe: settings are
/// read-only, the stores lock.
struct DashboardState : std::enable_shared_from_this<DashboardState> {
  DashboardState(sdk::Host& host, WebSettings settings);

  /// Where sign-in links point (`public_url`, else the bound address); empty before start.
  std::string base_url() const;
  /// Sets the base URL once the server is bound.
  void set_base_url(std::string url);

  /// Restores the sessions and login links saved in the data directory, and
  /// from now on saves them after changes (many changes in a row, once, on
  /// the plugin's executor). Call once, before the state is shared.
  void keep_sign_ins();
  /// Saves the sessions and login links now if they changed since the last save.
  void save_sign_ins();

  sdk::Host& host;
  const WebSettings settings;
  SessionStore sessions;
  LoginLinks links;
  const WebApp app;

 private:
  void sign_ins_changed();

  mutable std::mutex mutex_;
  std::string base_url_;
  SignInFile sign_in_file_;
  std::atomic<std::uint64_t> sign_in_changes_{0};
  std::atomic<bool> sign_in_save_queued_{false};
  std::mutex save_mutex_;
  std::uint64_t sign_in_changes_saved_ = 0;  // guarded by save_mutex_
};

}  // namespace notifyd::webui
