#include "webui_settings.hpp"

#include <algorithm>
#include <cctype>

#include "notifyd/sdk/config_problems.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/settings_schema.hpp"
#include "notifyd/sdk/user_name.hpp"

namespace notifyd::webui {
namespace {

using namespace std::chrono_literals;

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A base URL for links: http(s)://host[:port] with an optional path, no query.
bool is_base_url(std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) return false;
  if (url.size() > 512) return false;
  return std::none_of(url.begin(), url.end(), [](unsigned char c) {
    return c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\';
  });
}

sdk::http::ServerKeys server_keys() {
  sdk::http::ServerKeys keys;
  keys.listen = "127.0.0.1:8080";
  keys.max_connections = 512;
  keys.answer_timeout = 2min;  // a "Run now" waits for the check
  return keys;
}

std::string positive_count(std::int64_t value) { return sdk::http::positive_problem(value); }
std::string positive_duration(std::chrono::milliseconds value) { return sdk::http::positive_problem(value); }

// The keys in the order their problems are reported. `daemon_user` is the default demo_user.
sdk::SettingsSchema<WebSettings> web_settings_schema(std::string daemon_user) {
  const auto quoted = [](const std::string& text) { return "\"" + text.substr(0, 64) + "\""; };
  sdk::SettingsSchema<WebSettings> s(
      "The web dashboard over HTTP(S): Telegram link, checks with \"Run now\", history with images, desktop tokens, "
      "and the routes other plugins register for the web");
  sdk::http::bind_listen_keys(s, server_keys());
  s.string("auth", "link",
           "how users sign in: \"peer\" (the Unix user who opened the connection, on loopback or through ssh -L), "
           "\"link\" (notifyctl login prints a one-time URL), \"proxy\" (a trusted reverse proxy such as "
           "oauth2-proxy names the user), \"none\" (everyone is demo_user; loopback only)")
      .into([](WebSettings& settings, AuthMode mode) { settings.auth = mode; },
            [quoted](const std::string& name) {
              for (const AuthMode mode : {AuthMode::none, AuthMode::proxy, AuthMode::link, AuthMode::peer}) {
                if (name == auth_mode_name(mode)) return sdk::Result<AuthMode>(mode);
              }
              return sdk::Result<AuthMode>::failure(quoted(name) +
                                                    " is not one of \"peer\", \"link\", \"proxy\", \"none\"");
            });
  s.string("user_header", "X-Forwarded-User", "auth = \"proxy\": the request header naming the user")
      .check("a header name", [quoted](const std::string& header) {
        const bool ok = !header.empty() && header.size() <= 64 && std::all_of(header.begin(), header.end(), is_token_char);
        return ok ? std::string() : quoted(header) + " is not a header name";
      })
      .into([](WebSettings& settings, const std::string& header) { settings.user_header = lower_case(header); });
  s.string_list("trusted_proxies", {"127.0.0.1", "::1"},
                "auth = \"proxy\": addresses or networks (10.0.0.0/8) whose user header is believed")
      .into([](WebSettings& settings, TrustedProxies proxies) { settings.trusted_proxies = std::move(proxies); },
            [](const std::vector<std::string>& entries) {
              auto proxies = TrustedProxies::parse(entries);
              if (proxies) return proxies;
              std::string_view error = proxies.error();
              if (error.starts_with("trusted_proxies: ")) error.remove_prefix(17);
              return sdk::Result<TrustedProxies>::failure(std::string(error));
            });
  s.string_list("trusted_proxy_users", {},
                "auth = \"proxy\": Unix users (e.g. www-data) whose connections from this machine may name the "
                "user; needed when a trusted proxy address is loopback, where every local user connects from")
      .check("user names", [quoted](const std::vector<std::string>& users) {
        for (const auto& user : users) {
          if (!sdk::is_valid_user_name(user)) return quoted(user) + " is not a user name";
        }
        return std::string();
      })
      .into([](WebSettings& settings, const std::vector<std::string>& users) { settings.trusted_proxy_users = users; });
  s.string("email_domain", "", "auth = \"proxy\": a user header of name@<email_domain> means the user name")
      .into([](WebSettings& settings, const std::string& domain) { settings.email_domain = lower_case(domain); });
  s.string("demo_user", "", "auth = \"none\": who everyone is (default: the daemon's own user)")
      .into([daemon_user](WebSettings& settings, const std::string& user) {
        settings.demo_user = user.empty() ? daemon_user : user;
      });
  s.rule({"listen", "auth", "demo_user"}, [](const WebSettings& settings, sdk::ConfigProblems& problems) {
    if (settings.listen.is_local()) return;
    const std::string listen = settings.listen.to_string();
    if (settings.auth == AuthMode::none) {
      problems.add("auth", "\"none\" lets anyone act as " + settings.demo_user +
                               "; it is refused on the non-loopback address " + listen +
                               " (use auth = \"link\" or \"proxy\")");
    } else if (settings.auth == AuthMode::peer) {
      problems.add("auth", "\"peer\" knows only users of this machine; it is refused on the non-loopback address " +
                               listen + " (listen on 127.0.0.1 and reach it through ssh -L)");
    }
  });
  s.rule({"listen", "auth", "trusted_proxies", "trusted_proxy_users"},
         [](const WebSettings& settings, sdk::ConfigProblems& problems) {
           if (settings.auth != AuthMode::proxy || settings.listen.is_unix()) return;
           if (settings.trusted_proxies.empty()) {
             problems.add("trusted_proxies", "auth = \"proxy\" needs at least one address in trusted_proxies");
           }
           if (settings.trusted_proxies.covers_loopback() && settings.trusted_proxy_users.empty()) {
             problems.add("auth",
                          "\"proxy\" on " + settings.listen.to_string() +
                              " would believe the user header from every local user (they all connect from "
                              "loopback): name the proxy's Unix user in trusted_proxy_users (e.g. [\"www-data\"]), "
                              "or listen on a unix socket only the proxy may open (listen = "
                              "\"unix:/run/notifyd/web.sock\", socket_group = \"www-data\")");
           }
         });
  s.rule({"auth", "demo_user"}, [quoted](const WebSettings& settings, sdk::ConfigProblems& problems) {
    if (settings.auth == AuthMode::none && !sdk::is_valid_user_name(settings.demo_user)) {
      problems.add("demo_user", quoted(settings.demo_user) + " is not a user name");
    }
  });
  s.string("public_url", "", "base URL of sign-in links (e.g. https://notify.example.com); default: the listen address")
      .into([](WebSettings& settings, std::string url) { settings.public_url = std::move(url); },
            [quoted](std::string url) {
              while (!url.empty() && url.back() == '/') url.pop_back();
              if (!url.empty() && !is_base_url(url)) {
                return sdk::Result<std::string>::failure(quoted(url) +
                                                         " is not an http:// or https:// URL without query");
              }
              return sdk::Result<std::string>(std::move(url));
            });
  s.rule({"listen", "auth", "public_url"}, [](const WebSettings& settings, sdk::ConfigProblems& problems) {
    if (settings.public_url.empty() && settings.auth == AuthMode::link && settings.listen.is_unix()) {
      problems.add("public_url", "auth = \"link\" on a unix socket needs the address people open, for the links "
                                 "notifyctl login prints");
    }
  });
  s.string("logout_url", "", "auth = \"proxy\": where Sign out leads afterwards (e.g. /oauth2/sign_out)")
      .satisfies("a path (/oauth2/sign_out) or an http(s):// URL",
                 [](const std::string& url) {
                   return (url.empty() || url.starts_with("/") || is_base_url(url)) && !url.starts_with("//") &&
                          std::none_of(url.begin(), url.end(), [](unsigned char c) {
                            return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>';
                          });
                 })
      .into([](WebSettings& settings, const std::string& url) { settings.logout_url = url; });
  s.integer("max_sessions", 10'000, "signed-in sessions kept at once over all replicas; the oldest is dropped beyond it")
      .check("greater than zero", positive_count)
      .into([](WebSettings& settings, std::int64_t value) { settings.max_sessions = static_cast<std::size_t>(value); });
  sdk::http::bind_limit_keys(s, server_keys());
  s.integer("image_max_bytes", 20 << 20, "largest notification image served")
      .check("greater than zero", positive_count)
      .into([](WebSettings& settings, std::int64_t value) {
        settings.image_max_bytes = static_cast<std::uint64_t>(value);
      });
  s.integer("publish_burst", 10, "API tokens: most POST /v1/notify requests one token makes in 10 seconds")
      .check("greater than zero", positive_count)
      .into([](WebSettings& settings, std::int64_t value) {
        settings.publish_rate.burst = static_cast<std::uint64_t>(value);
      });
  s.integer("publish_per_minute", 60, "API tokens: most POST /v1/notify requests one token makes in a minute")
      .check("greater than zero", positive_count)
      .into([](WebSettings& settings, std::int64_t value) {
        settings.publish_rate.per_minute = static_cast<std::uint64_t>(value);
      });
  s.duration("session_ttl", 12h, "how long a sign-in lasts")
      .check("greater than zero", positive_duration)
      .into([](WebSettings& settings, std::chrono::milliseconds value) { settings.session_ttl = value; });
  s.duration("login_link_ttl", 2min, "how long a notifyctl login link stays valid")
      .check("greater than zero", positive_duration)
      .into([](WebSettings& settings, std::chrono::milliseconds value) { settings.login_link_ttl = value; });
  return s;
}

}  // namespace

std::string_view auth_mode_name(AuthMode mode) noexcept {
  switch (mode) {
    case AuthMode::none: return "none";
    case AuthMode::proxy: return "proxy";
    case AuthMode::link: return "link";
    case AuthMode::peer: return "peer";
  }
  return "unknown";
}

void describe_web_settings(sdk::ConfigSchema& schema) { web_settings_schema({}).describe(schema); }

sdk::Result<WebSettings> read_web_settings(const sdk::PluginConfig& config, std::string_view daemon_user) {
  return web_settings_schema(std::string(daemon_user)).read(config);
}

}  // namespace notifyd::webui
