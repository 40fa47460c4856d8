#include "webui_frontend.hpp"

#include <string>

#include "caller_identity.hpp"
#include "dashboard_state.hpp"
#include "earlier_sign_ins.hpp"
#include "login_link_route.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/sdk/tls_server_context.hpp"
#include "security_headers.hpp"
#include "token_routes.hpp"
#include "unix_user.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

WebDashboard::WebDashboard(sdk::Host& host) : host_(host) {}

WebDashboard::~WebDashboard() = default;

void WebDashboard::describe(sdk::ConfigSchema& schema) { describe_web_settings(schema); }

sdk::Status WebDashboard::configure() {
  auto settings = read_web_settings(host_.config(), daemon_user_name(host_.users()));
  if (!settings) return sdk::Status::failure(settings.error());
  sdk::http::ServerOptions options;
  if (settings.value().tls()) {
    auto context = sdk::make_tls_server_context(settings.value().tls_cert, settings.value().tls_key);
    if (!context) return sdk::Status::failure("tls_cert: " + context.error());
    options.tls = std::move(context).value();
  }
  sdk::http::ServerSettings server_settings = settings.value();  // the server's part of them
  state_ = std::make_shared<DashboardState>(host_, std::move(settings).value());
  adopt_earlier_sign_ins(host_.documents(), host_.instance_name(), state_->sessions, state_->links, host_.log());

  options.peer_user = state_->settings.needs_peer_user();
  options.handler = [state = state_](const sdk::http::Peer& peer, sdk::HttpRequest request, sdk::Responder respond) {
    state->app.handle(peer_info_of(peer), std::move(request), std::move(respond));
  };
  // The server's own answers (400, 413, 431, 503, 504) carry the headers too.
  options.decorate = [](const sdk::http::Peer& peer, sdk::HttpResponse& response) {
    add_security_headers(response, peer.tls);
  };
  options.metrics_prefix = "webui";
  options.description = "the web dashboard";
  server_ = sdk::http::Server::create(host_, std::move(server_settings), std::move(options));

  if (state_->settings.auth == AuthMode::link) {
    if (auto status = host_.routes().add(make_login_link_route(state_)); !status) {
      return sdk::Status::failure("auth: cannot offer notifyctl login (" + status.message +
                                  "): only one dashboard with auth = \"link\" may run");
    }
  }
  // The tokens are one document for every dashboard: the first one serves notifyctl.
  for (auto& route : make_token_routes(state_)) {
    if (auto status = host_.routes().add(std::move(route)); !status) {
      host_.log().info("notifyctl token is served by another dashboard (", status.message, ")");
      break;
    }
  }
  if (state_->settings.auth == AuthMode::none) {
    host_.log().warn("auth = \"none\": ", state_->settings.demo_user, "'s own connections to ",
                     state_->settings.listen.to_string(), " are ", state_->settings.demo_user,
                     " without signing in (for local demos only)");
  }
  return sdk::Status::success();
}

sdk::Status WebDashboard::start() {
  if (!state_ || !server_) return sdk::Status::failure("start() before a successful configure()");
  if (auto status = server_->open(); !status) return status;
  const auto& settings = state_->settings;
  std::string listening = settings.listen.to_string();
  std::string url = settings.public_url;
  if (!settings.listen.is_unix()) {
    const auto bound = server_->local_endpoint();
    auto address = bound.address();
    if (address.is_unspecified()) {
      address = address.is_v6() ? boost::asio::ip::address(boost::asio::ip::address_v6::loopback())
                                : boost::asio::ip::address(boost::asio::ip::address_v4::loopback());
    }
    listening = sdk::http::format_host_port(bound.address(), bound.port());
    if (url.empty()) url = (settings.tls() ? "https://" : "http://") + sdk::http::format_host_port(address, bound.port());
    if (bound.address().is_unspecified() && settings.public_url.empty() && settings.auth == AuthMode::link) {
      host_.log().warn("listening on every address without public_url: notifyctl login links point to ", url,
                       "; set public_url to the address people open");
    }
  }
  state_->set_base_url(url);
  server_->run();
  host_.log().info("dashboard at ", url.empty() ? listening : url + "/", " (listening on ", listening, ", auth ",
                   auth_mode_name(settings.auth), settings.tls() ? ", TLS" : "", ")");
  return sdk::Status::success();
}

void WebDashboard::stop(std::function<void()> done) {
  if (!state_ || !server_) {
    if (done) done();
    return;
  }
  state_->set_base_url({});
  if (const std::size_t open = server_->connections(); open > 0) host_.log().info("closing ", open, " connection(s)");
  server_->stop([done = std::move(done)] {
    if (done) done();
  });
}

}  // namespace notifyd::webui

using notifyd::webui::WebDashboard;
NOTIFYD_PLUGIN(WebDashboard, "webui", frontend)
