#include "route_call.hpp"

#include <atomic>
#include <exception>
#include <memory>

namespace notifyd::webui {

bool call_web_route(const sdk::RouteRegistry& routes, const std::string& method, const std::string& path,
                    const sdk::Caller& caller, std::function<void(sdk::HttpResponse)> done) {
  auto match = routes.find(sdk::surface_web, method, path);
  if (!match.route) return false;
  const sdk::RouteHandler handler = match.route->handler;

  sdk::HttpRequest request;
  request.method = method;
  request.path = path;
  request.caller = caller;
  request.path_params = std::move(match.path_params);

  struct Once {
    std::function<void(sdk::HttpResponse)> done;
    std::atomic<bool> called{false};
  };
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  const sdk::Responder respond = [once](sdk::HttpResponse response) {
    if (!once->called.exchange(true)) once->done(std::move(response));
  };
  try {
    handler(std::move(request), respond);
  } catch (...) {
    respond(sdk::HttpResponse::error(500, "internal error"));
  }
  return true;
}

bool has_web_route(const sdk::RouteRegistry& routes, std::string_view method, std::string_view path) noexcept {
  return routes.find(sdk::surface_web, method, path).route != nullptr;
}

}  // namespace notifyd::webui
