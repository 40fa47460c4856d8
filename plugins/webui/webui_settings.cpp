#include "webui_settings.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "unix_user.hpp"

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

}  // namespace

std::string_view auth_mode_name(AuthMode mode) noexcept {
  switch (mode) {
    case AuthMode::none: return "none";
    case AuthMode::proxy: return "proxy";
    case AuthMode::link: return "link";
  }
  return "unknown";
}

void describe_web_settings(sdk::ConfigSchema& schema) {
  schema.summary("The web dashboard over HTTP(S): Telegram link, checks with \"Run now\", history with images, "
                 "desktop tokens, and the routes other plugins register for the web")
      .string("listen", "127.0.0.1:8080", "address and port to listen on (IP literal or localhost; port 0 = any free port)")
      .path("tls_cert", "", "PEM certificate chain; with tls_key the dashboard serves HTTPS")
      .path("tls_key", "", "PEM private key for tls_cert")
      .string("auth", "link",
              "how users sign in: \"link\" (notifyctl login prints a one-time URL), \"proxy\" (a trusted reverse "
              "proxy such as oauth2-proxy names the user), \"none\" (everyone is demo_user; loopback only)")
      .string("user_header", "X-Forwarded-User", "auth = \"proxy\": the request header naming the user")
      .string_list("trusted_proxies", {"127.0.0.1", "::1"},
                   "auth = \"proxy\": addresses or networks (10.0.0.0/8) whose user header is believed")
      .string("email_domain", "", "auth = \"proxy\": a user header of name@<email_domain> means the user name")
      .string("demo_user", "", "auth = \"none\": who everyone is (default: the daemon's own user)")
      .string("public_url", "", "base URL of sign-in links (e.g. https://notify.example.com); default: the listen address")
      .string("logout_url", "", "auth = \"proxy\": where Sign out leads afterwards (e.g. /oauth2/sign_out)")
      .duration("session_ttl", 12h, "how long a sign-in lasts")
      .duration("login_link_ttl", 2min, "how long a notifyctl login link stays valid")
      .integer("max_sessions", 10'000, "signed-in sessions kept at once; the oldest is dropped beyond it")
      .integer("max_connections", 512, "connections served at once; more are answered 503 and closed")
      .integer("body_limit", 1 << 20, "largest request body in bytes (413 beyond it)")
      .integer("image_max_bytes", 20 << 20, "largest notification image served")
      .duration("header_timeout", 10s, "time allowed for a whole request header to arrive")
      .duration("idle_timeout", 60s, "how long a kept-alive connection may wait for its next request")
      .duration("request_timeout", 30s, "time allowed for a request body and for writing the response")
      .duration("answer_timeout", 2min, "time a route may take to answer (a \"Run now\" waits for the check)");
}

sdk::Result<WebSettings> read_web_settings(const sdk::PluginConfig& config, std::string_view daemon_user) {
  using Failure = sdk::Result<WebSettings>;
  WebSettings settings;

  auto listen = parse_listen_address(config.string("listen"));
  if (!listen) return Failure::failure(listen.error());
  settings.listen = listen.value();

  const std::string& auth = config.string("auth");
  if (auth == "none") {
    settings.auth = AuthMode::none;
  } else if (auth == "proxy") {
    settings.auth = AuthMode::proxy;
  } else if (auth == "link") {
    settings.auth = AuthMode::link;
  } else {
    return Failure::failure("auth: \"" + auth.substr(0, 32) + "\" is not one of \"link\", \"proxy\", \"none\"");
  }
  if (settings.auth == AuthMode::none && !is_loopback(settings.listen.address)) {
    return Failure::failure("auth = \"none\" lets anyone act as " +
                            (config.string("demo_user").empty() ? std::string(daemon_user) : config.string("demo_user")) +
                            "; it is refused on the non-loopback address " + config.string("listen") +
                            " (use auth = \"link\" or \"proxy\")");
  }

  settings.tls_cert = config.string("tls_cert");
  settings.tls_key = config.string("tls_key");
  if (settings.tls_cert.empty() != settings.tls_key.empty()) {
    return Failure::failure("tls_cert and tls_key go together: give both for HTTPS, or neither");
  }

  const std::string& header = config.string("user_header");
  if (header.empty() || header.size() > 64 || !std::all_of(header.begin(), header.end(), is_token_char)) {
    return Failure::failure("user_header: \"" + header.substr(0, 64) + "\" is not a header name");
  }
  settings.user_header = lower_case(header);

  auto proxies = TrustedProxies::parse(config.strings("trusted_proxies"));
  if (!proxies) return Failure::failure(proxies.error());
  settings.trusted_proxies = std::move(proxies).value();
  if (settings.auth == AuthMode::proxy && settings.trusted_proxies.empty()) {
    return Failure::failure("auth = \"proxy\" needs at least one address in trusted_proxies");
  }
  settings.email_domain = lower_case(config.string("email_domain"));

  settings.demo_user = config.string("demo_user").empty() ? std::string(daemon_user) : config.string("demo_user");
  if (settings.auth == AuthMode::none && !is_valid_user_name(settings.demo_user)) {
    return Failure::failure("demo_user: \"" + settings.demo_user.substr(0, 64) + "\" is not a user name");
  }

  settings.public_url = config.string("public_url");
  while (!settings.public_url.empty() && settings.public_url.back() == '/') settings.public_url.pop_back();
  if (!settings.public_url.empty() && !is_base_url(settings.public_url)) {
    return Failure::failure("public_url: \"" + settings.public_url.substr(0, 64) +
                            "\" is not an http:// or https:// URL without query");
  }
  settings.logout_url = config.string("logout_url");
  if (!settings.logout_url.empty() && !settings.logout_url.starts_with("/") && !is_base_url(settings.logout_url)) {
    return Failure::failure("logout_url: must be a path (/oauth2/sign_out) or an http(s):// URL");
  }
  if (settings.logout_url.starts_with("//") ||
      std::any_of(settings.logout_url.begin(), settings.logout_url.end(),
                  [](unsigned char c) { return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>'; })) {
    return Failure::failure("logout_url: must be a path (/oauth2/sign_out) or an http(s):// URL");
  }

  for (const char* key : {"max_sessions", "max_connections", "body_limit", "image_max_bytes"}) {
    if (config.integer(key) <= 0) return Failure::failure(std::string(key) + ": must be greater than zero");
  }
  for (const char* key : {"session_ttl", "login_link_ttl", "header_timeout", "idle_timeout", "request_timeout",
                          "answer_timeout"}) {
    if (config.duration(key).count() <= 0) return Failure::failure(std::string(key) + ": must be greater than zero");
  }
  settings.session_ttl = config.duration("session_ttl");
  settings.login_link_ttl = config.duration("login_link_ttl");
  settings.max_sessions = static_cast<std::size_t>(config.integer("max_sessions"));
  settings.max_connections = static_cast<std::size_t>(config.integer("max_connections"));
  settings.body_limit = static_cast<std::uint64_t>(config.integer("body_limit"));
  settings.image_max_bytes = static_cast<std::uint64_t>(config.integer("image_max_bytes"));
  settings.header_timeout = config.duration("header_timeout");
  settings.idle_timeout = config.duration("idle_timeout");
  settings.request_timeout = config.duration("request_timeout");
  settings.answer_timeout = config.duration("answer_timeout");
  return settings;
}

}  // namespace notifyd::webui
