#include "dashboard_state.hpp"

namespace notifyd::webui {

DashboardState::DashboardState(sdk::Host& host_in, WebSettings settings_in)
    : host(host_in),
      settings(std::move(settings_in)),
      sessions(host_in.coordination().ephemeral(), host_in.instance_name(), settings.session_ttl, settings.max_sessions),
      links(host_in.coordination().ephemeral(), host_in.instance_name(), settings.login_link_ttl),
      tokens(host_in.documents()),
      app(host_in, settings, sessions, links, tokens) {}

std::string DashboardState::base_url() const {
  std::lock_guard lock(mutex_);
  return base_url_;
}

void DashboardState::set_base_url(std::string url) {
  std::lock_guard lock(mutex_);
  base_url_ = std::move(url);
}

}  // namespace notifyd::webui
