#pragma once
// The dashboard's configuration: the keys it declares and their validated,
// typed form.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/status.hpp"
#include "publish_rate.hpp"
#include "trusted_proxies.hpp"

namespace notifyd::webui {

/// How the dashboard learns who is using it.
enum class AuthMode {
  none,   ///< `demo_user`'s own connections are `demo_user`; only on a loopback address
  proxy,  ///< a trusted reverse proxy names the user in `user_header`
  link,   ///< `notifyctl login` mints a one-time sign-in link
  peer,   ///< the Unix user who opened the connection (loopback TCP or the unix socket)
};

/// `none`, `proxy`, `link` or `peer`.
std::string_view auth_mode_name(AuthMode mode) noexcept;

/// The validated settings of one dashboard instance: its HTTP server's
/// (listen, TLS, limits, timeouts) and its own. Built by `configure()`, then
/// shared read-only by the request handler and the routes.
struct WebSettings : sdk::http::ServerSettings {
  AuthMode auth = AuthMode::link;
  std::string user_header = "x-forwarded-user";  ///< lower case
  TrustedProxies trusted_proxies;
  std::vector<std::string> trusted_proxy_users;  ///< Unix users whose local connections may name the user
  std::string email_domain;            ///< `alice@<domain>` from the proxy means `alice`
  std::string demo_user;               ///< the user of `auth = "none"`
  std::string public_url;              ///< base of login links; empty = the listen address
  std::string logout_url;              ///< where "Sign out" sends a proxy user afterwards; empty = /login
  std::chrono::milliseconds session_ttl{12 * 3600 * 1000};
  std::chrono::milliseconds login_link_ttl{120'000};
  std::size_t max_sessions = 10'000;
  std::uint64_t image_max_bytes = 20 << 20;
  PublishRateSettings publish_rate;  ///< per API token, on `POST /v1/notify`

  /// True when connections must be told which Unix user opened them.
  bool needs_peer_user() const noexcept {
    return auth == AuthMode::peer || auth == AuthMode::none ||
           (auth == AuthMode::proxy && !trusted_proxy_users.empty());
  }
};

/// Declares the plugin's keys (called from `WebDashboard::describe`).
void describe_web_settings(sdk::ConfigSchema& schema);

/// Validates `config` beyond its schema: the listen address parses, `auth`
/// is known, `auth = "none"` and `"peer"` only on a loopback address or a
/// unix socket, `auth = "proxy"` only where nobody but the proxy can reach
/// the dashboard or name the user (a unix socket, `trusted_proxy_users`, or
/// remote proxy addresses), both TLS files or neither, proxies parse, limits
/// are positive. Every problem is reported, one `key: message` line each.
/// `daemon_user` is the default `demo_user`.
sdk::Result<WebSettings> read_web_settings(const sdk::PluginConfig& config, std::string_view daemon_user);

}  // namespace notifyd::webui
