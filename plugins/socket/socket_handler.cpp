#include "socket_handler.hpp"

#include <string>
#include <utility>

#include "socket_caller.hpp"

namespace notifyd::socket_api {

SocketHandler::SocketHandler(sdk::Host& host, const SocketSettings& settings)
    : host_(host), routes_(host.notifications(), host.coordination(), settings.photos, settings.history_page_bytes) {}

void SocketHandler::operator()(const sdk::http::Peer& peer, sdk::HttpRequest request,
                               const sdk::Responder& respond) const {
  if (!peer.credentials) return respond(sdk::HttpResponse::error(403, "the caller's identity is unknown"));
  request.caller = caller_of(peer, host_);

  const auto builtin = routes_.find(request.method, request.path);
  if (builtin.handler) return routes_.serve(builtin, std::move(request), *peer.credentials, respond);
  if (builtin.path_known) {
    auto response = sdk::HttpResponse::error(405, "method not allowed");
    response.headers.emplace_back("Allow", std::string(builtin.allow));
    return respond(std::move(response));
  }

  auto match = host_.routes().find(sdk::surface_socket, request.method, request.path);
  if (match.route) {
    const sdk::RouteHandler handler = match.route->handler;
    request.path_params = std::move(match.path_params);
    return handler(std::move(request), respond);
  }
  if (match.path_known) return respond(sdk::HttpResponse::error(405, "method not allowed"));
  respond(sdk::HttpResponse::error(404, "not found"));
}

}  // namespace notifyd::socket_api
