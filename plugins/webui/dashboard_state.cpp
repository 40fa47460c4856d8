#include "dashboard_state.hpp"

#include <boost/asio/post.hpp>

namespace notifyd::webui {

DashboardState::DashboardState(sdk::Host& host_in, WebSettings settings_in)
    : host(host_in),
      settings(std::move(settings_in)),
      sessions(settings.session_ttl, settings.max_sessions),
      links(settings.login_link_ttl),
      app(host_in, settings, sessions, links),
      sign_in_file_(host_in.documents(), host_in.instance_name(), host_in.log()) {}

std::string DashboardState::base_url() const {
  std::lock_guard lock(mutex_);
  return base_url_;
}

void DashboardState::set_base_url(std::string url) {
  std::lock_guard lock(mutex_);
  base_url_ = std::move(url);
}

void DashboardState::keep_sign_ins() {
  sign_in_file_.load(sessions, links);
  const std::weak_ptr<DashboardState> weak = weak_from_this();
  const auto changed = [weak] {
    if (auto state = weak.lock()) state->sign_ins_changed();
  };
  sessions.on_change(changed);
  links.on_change(changed);
}

void DashboardState::sign_ins_changed() {
  ++sign_in_changes_;
  if (sign_in_save_queued_.exchange(true)) return;
  boost::asio::post(host.executor(), [weak = weak_from_this()] {
    auto state = weak.lock();
    if (!state) return;
    state->sign_in_save_queued_ = false;
    state->save_sign_ins();
  });
}

void DashboardState::save_sign_ins() {
  std::lock_guard lock(save_mutex_);
  const std::uint64_t changes = sign_in_changes_.load();
  if (changes == sign_in_changes_saved_) return;
  sign_in_file_.save(sessions, links);
  sign_in_changes_saved_ = changes;
}

}  // namespace notifyd::webui
