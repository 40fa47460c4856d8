#include "login_link_route.hpp"

#include "notifyd/sdk/api/account_codecs.hpp"
#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "dashboard_state.hpp"

namespace notifyd::webui {

sdk::Route make_login_link_route(std::weak_ptr<DashboardState> weak_state) {
  sdk::Route route;
  route.method = "POST";
  route.path = login_link_path;
  route.surfaces = sdk::surface_socket;
  route.handler = [weak_state = std::move(weak_state)](sdk::HttpRequest request, sdk::Responder respond) {
    const auto state = weak_state.lock();
    const std::string base = state ? state->base_url() : std::string();
    if (base.empty()) return respond(sdk::HttpResponse::error(503, "the web dashboard is not running"));
    const std::string& user = request.caller.user;
    if (!sdk::is_valid_user_name(user)) {
      return respond(sdk::HttpResponse::error(403, "your uid has no user name the dashboard can sign in"));
    }
    const auto minted = state->links.mint(user);
    if (!minted) {
      state->host.log().error(minted.error());
      return respond(sdk::HttpResponse::error(503, "the dashboard cannot keep a login link now; try again"));
    }
    if (!minted.value()) {
      return respond(sdk::HttpResponse::error(429, "at most " + std::to_string(LoginLinks::mints_per_minute) +
                                                       " login links a minute; try again in a minute"));
    }
    const MintedLink& link = *minted.value();
    const auto expires_ms = sdk::epoch_ms_of(link.expires);
    state->host.log().info("login link issued to ", user);
    respond(sdk::HttpResponse::json(
        200, sdk::api::to_json(sdk::api::LoginLink{base + "/login/link?token=" + link.token, user,
                                                   sdk::format_utc_timestamp(expires_ms, sdk::SecondFraction::milliseconds)})));
  };
  return route;
}

}  // namespace notifyd::webui
