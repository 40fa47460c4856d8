#include "webui_frontend.hpp"

#include <exception>
#include <string>

#include "login_link_route.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/sdk/tls_server_context.hpp"
#include "server_state.hpp"
#include "unix_user.hpp"
#include "web_listener.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui {

WebDashboard::WebDashboard(sdk::Host& host) : host_(host) {}

WebDashboard::~WebDashboard() {
  // Covers a stop that passed its deadline with connections still open.
  if (state_) state_->save_sign_ins();
}

void WebDashboard::describe(sdk::ConfigSchema& schema) { describe_web_settings(schema); }

sdk::Status WebDashboard::configure() noexcept {
  try {
    auto settings = read_web_settings(host_.config(), daemon_user_name(host_.users()));
    if (!settings) return sdk::Status::failure(settings.error());
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (settings.value().tls()) {
      auto context = sdk::make_tls_server_context(settings.value().tls_cert, settings.value().tls_key);
      if (!context) return sdk::Status::failure("tls_cert: " + context.error());
      tls = std::move(context).value();
    }
    state_ = std::make_shared<ServerState>(host_, std::move(settings).value(), std::move(tls));
    state_->keep_sign_ins();
    if (state_->settings.auth == AuthMode::link) {
      if (auto status = host_.routes().add(make_login_link_route(state_)); !status) {
        return sdk::Status::failure("auth: cannot offer notifyctl login (" + status.message +
                                    "): only one dashboard with auth = \"link\" may run");
      }
    }
    if (state_->settings.auth == AuthMode::none) {
      host_.log().warn("auth = \"none\": ", state_->settings.demo_user, "'s own connections to ",
                       state_->settings.listen.to_string(), " are ", state_->settings.demo_user,
                       " without signing in (for local demos only)");
    }
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

sdk::Status WebDashboard::start() noexcept {
  try {
    if (!state_) return sdk::Status::failure("start() before a successful configure()");
    auto listener = std::make_shared<WebListener>(host_.executor(), state_);
    if (auto status = listener->open(); !status) return status;
    const auto& settings = state_->settings;
    std::string listening = settings.listen.to_string();
    std::string url = settings.public_url;
    if (!settings.listen.is_unix()) {
      const auto bound = listener->local_endpoint();
      auto address = bound.address();
      if (address.is_unspecified()) {
        address = address.is_v6() ? boost::asio::ip::address(boost::asio::ip::address_v6::loopback())
                                  : boost::asio::ip::address(boost::asio::ip::address_v4::loopback());
      }
      listening = sdk::http::format_host_port(bound.address(), bound.port());
      if (url.empty()) url = (state_->tls ? "https://" : "http://") + sdk::http::format_host_port(address, bound.port());
      if (bound.address().is_unspecified() && settings.public_url.empty() && settings.auth == AuthMode::link) {
        host_.log().warn("listening on every address without public_url: notifyctl login links point to ", url,
                         "; set public_url to the address people open");
      }
    }
    state_->set_base_url(url);
    listener_ = std::move(listener);
    listener_->run();
    host_.log().info("dashboard at ", url.empty() ? listening : url + "/", " (listening on ", listening, ", auth ",
                     auth_mode_name(settings.auth), state_->tls ? ", TLS" : "", ")");
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void WebDashboard::stop(std::function<void()> done) noexcept {
  try {
    if (listener_) listener_->stop();
    if (!state_) {
      if (done) done();
      return;
    }
    state_->set_base_url({});
    const std::size_t open = state_->connections.size();
    if (open > 0) host_.log().info("closing ", open, " connection(s)");
    // The sign-ins are saved once the last connection is gone, so the next
    // start (a reload or a restart) finds everyone still signed in.
    state_->connections.close_all([weak = std::weak_ptr<ServerState>(state_), done = std::move(done)] {
      if (auto state = weak.lock()) state->save_sign_ins();
      if (done) done();
    });
  } catch (const std::exception& e) {
    host_.log().error("stop: ", e.what());
    if (done) done();
  }
}

}  // namespace notifyd::webui

using notifyd::webui::WebDashboard;
NOTIFYD_PLUGIN(WebDashboard, "webui", frontend)
