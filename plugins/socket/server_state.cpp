#include "server_state.hpp"

#include <string>

namespace notifyd::socket_api {

ServerState::ServerState(sdk::Host& host, SocketSettings settings_in)
    : host(host),
      settings(std::move(settings_in)),
      routes(host.notifications(), settings.photos, settings.history_page_bytes),
      sessions(host.metrics().gauge("socket_connections", "Connections open on the unix-socket API",
                                    {{"instance", host.instance_name()}})),
      requests(host.metrics().counter("socket_requests_total", "Requests answered on the unix-socket API",
                                      {{"instance", host.instance_name()}})) {}

void ServerState::count_response(unsigned status) noexcept {
  requests.inc();
  if (status < 400) return;
  try {
    host.metrics()
        .counter("socket_errors_total", "Requests on the unix-socket API answered with an error status",
                 {{"instance", host.instance_name()}, {"status", std::to_string(status)}})
        .inc();
  } catch (...) {
  }
}

}  // namespace notifyd::socket_api
