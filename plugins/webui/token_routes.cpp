#include "token_routes.hpp"

#include <limits>

#include <rapidjson/document.h>

#include "briefly_unavailable.hpp"
#include "dashboard_state.hpp"
#include "notifyd/sdk/api/token_codecs.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::webui {
namespace {

using Handler = std::function<void(DashboardState& state, const std::string& user, sdk::HttpRequest& request,
                                   const sdk::Responder& respond)>;

// A route that finds the dashboard and the user the caller acts for, then runs `handler`.
sdk::Route route(std::string method, bool prefix, std::weak_ptr<DashboardState> weak_state, Handler handler) {
  sdk::Route route;
  route.method = std::move(method);
  route.path = tokens_path;
  route.prefix = prefix;
  route.surfaces = sdk::surface_socket;
  route.handler = [weak_state = std::move(weak_state), handler = std::move(handler)](sdk::HttpRequest request,
                                                                                     sdk::Responder respond) {
    const auto state = weak_state.lock();
    if (!state) return respond(sdk::HttpResponse::error(503, "the web dashboard is not running"));
    std::string user = request.caller.user;
    if (const auto named = request.param("user")) user = std::string(*named);
    rapidjson::Document body;
    if (request.method == "POST") {
      constexpr sdk::JsonLimits limits{.max_bytes = std::numeric_limits<std::size_t>::max()};
      if (!request.body.empty() && (!sdk::parse_json(request.body, body, limits) || !body.IsObject())) {
        return respond(sdk::HttpResponse::error(400, "invalid JSON"));
      }
      if (const rapidjson::Value* named = sdk::json_member(body, "user"); named && !named->IsNull()) {
        if (!named->IsString()) return respond(sdk::HttpResponse::error(400, "invalid field: user (expected a string)"));
        user.assign(named->GetString(), named->GetStringLength());
      }
    }
    if (!sdk::is_valid_user_name(user)) return respond(sdk::HttpResponse::error(400, "invalid user name"));
    if (!request.caller.may_act_for(user)) {
      const std::string who = request.caller.user.empty() ? std::string("an unidentified caller") : request.caller.user;
      return respond(sdk::HttpResponse::error(403, who + " may only manage its own API tokens"));
    }
    handler(*state, user, request, respond);
  };
  return route;
}

// A string member of the POST body; empty when absent or null.
sdk::Result<std::string> body_text(const sdk::HttpRequest& request, const char* name) {
  if (request.body.empty()) return std::string();
  rapidjson::Document body;
  sdk::parse_json(request.body, body);
  const rapidjson::Value* value = sdk::json_member(body, name);
  if (!value || value->IsNull()) return std::string();
  if (!value->IsString()) return sdk::Result<std::string>::failure(std::string("invalid field: ") + name + " (expected a string)");
  return std::string(value->GetString(), value->GetStringLength());
}

sdk::HttpResponse unavailable(DashboardState& state, const std::string& why) {
  return briefly_unavailable(state.host.log(), why, "the API tokens are");
}

void list(DashboardState& state, const std::string& user, sdk::HttpRequest&, const sdk::Responder& respond) {
  auto tokens = state.tokens.list(user);
  if (!tokens) return respond(unavailable(state, tokens.error()));
  respond(sdk::HttpResponse::json(200, sdk::api::to_json(sdk::api::ApiTokenList{std::move(tokens).value()})));
}

void create(DashboardState& state, const std::string& user, sdk::HttpRequest& request, const sdk::Responder& respond) {
  const auto name = body_text(request, "name");
  if (!name) return respond(sdk::HttpResponse::error(400, name.error()));
  if (auto checked = check_token_name(name.value()); !checked) return respond(sdk::HttpResponse::error(400, checked.message));
  const auto expires_text = body_text(request, "expires");
  if (!expires_text) return respond(sdk::HttpResponse::error(400, expires_text.error()));
  const auto expires = parse_token_expiry(expires_text.value(), sdk::now_epoch_ms());
  if (!expires) return respond(sdk::HttpResponse::error(400, expires.error()));
  auto issued = state.tokens.create(user, name.value(), expires.value());
  if (!issued) return respond(unavailable(state, issued.error()));
  if (!issued.value()) {
    return respond(sdk::HttpResponse::error(409, user + " has " + std::to_string(ApiTokens::max_per_user) +
                                                     " API tokens already; revoke one first"));
  }
  state.host.log().info("API token ", issued.value()->info.id, " made for ", user, " by ", request.caller.user);
  respond(sdk::HttpResponse::json(
      200, sdk::api::to_json(sdk::api::IssuedApiToken{std::move(issued.value()->token), std::move(issued.value()->info)})));
}

void revoke(DashboardState& state, const std::string& user, sdk::HttpRequest& request, const sdk::Responder& respond) {
  if (request.path_params.size() != 1) return respond(sdk::HttpResponse::error(404, "not found"));
  const std::string& id = request.path_params.front();
  const auto revoked = state.tokens.revoke(user, id);
  if (!revoked) return respond(unavailable(state, revoked.error()));
  if (!revoked.value()) return respond(sdk::HttpResponse::error(404, user + " has no API token " + id));
  state.host.log().info("API token ", id, " of ", user, " revoked by ", request.caller.user);
  respond(sdk::HttpResponse::json(200, R"({"ok":true})"));
}

}  // namespace

std::vector<sdk::Route> make_token_routes(std::weak_ptr<DashboardState> state) {
  std::vector<sdk::Route> routes;
  routes.push_back(route("GET", false, state, list));
  routes.push_back(route("POST", false, state, create));
  routes.push_back(route("DELETE", true, state, revoke));
  return routes;
}

}  // namespace notifyd::webui
