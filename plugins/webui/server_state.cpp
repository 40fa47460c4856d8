#include "server_state.hpp"

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
                                         {{"instance", host_in.instance_name()}})) {}

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

}  // namespace notifyd::webui
