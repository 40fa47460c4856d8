#include "server_state.hpp"

#include <boost/asio/post.hpp>

namespace notifyd::webui {

ServerState::ServerState(sdk::Host& host_in, WebSettings settings_in, std::shared_ptr<boost::asio::ssl::context> tls_in)
    : host(host_in),
      settings(std::move(settings_in)),
      tls(std::move(tls_in)),
      sessions(settings.session_ttl, settings.max_sessions),
      links(settings.login_link_ttl),
      app(host_in, settings, sessions, links),
      connections(host_in.metrics().gauge("webui_connections", "Connections open on the web dashboard",
                                          {{"instance", host_in.instance_name()}})),
      requests(host_in.metrics().counter("webui_requests_total", "Requests answered by the web dashboard",
                                         {{"instance", host_in.instance_name()}})),
      sign_in_file_(host_in.documents(), host_in.instance_name(), host_in.log()) {}

void ServerState::count_response(unsigned status) noexcept {
  requests.inc();
  if (status < 400) return;
  try {
    host.metrics()
        .counter("webui_errors_total", "Requests on the web dashboard answered with an error status",
                 {{"instance", host.instance_name()}, {"status", std::to_string(status)}})
        .inc();
  } catch (...) {
  }
}

std::string ServerState::base_url() const {
  std::lock_guard lock(mutex_);
  return base_url_;
}

void ServerState::set_base_url(std::string url) {
  std::lock_guard lock(mutex_);
  base_url_ = std::move(url);
}

void ServerState::keep_sign_ins() {
  sign_in_file_.load(sessions, links);
  const std::weak_ptr<ServerState> weak = weak_from_this();
  const auto changed = [weak] {
    if (auto state = weak.lock()) state->sign_ins_changed();
  };
  sessions.on_change(changed);
  links.on_change(changed);
}

void ServerState::sign_ins_changed() {
  ++sign_in_changes_;
  if (sign_in_save_queued_.exchange(true)) return;
  boost::asio::post(host.executor(), [weak = weak_from_this()] {
    auto state = weak.lock();
    if (!state) return;
    state->sign_in_save_queued_ = false;
    state->save_sign_ins();
  });
}

void ServerState::save_sign_ins() {
  std::lock_guard lock(save_mutex_);
  const std::uint64_t changes = sign_in_changes_.load();
  if (changes == sign_in_changes_saved_) return;
  sign_in_file_.save(sessions, links);
  sign_in_changes_saved_ = changes;
}

}  // namespace notifyd::webui
