#include "webui_settings.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "notifyd/sdk/config_problems.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"
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

void describe_web_settings(sdk::ConfigSchema& schema) {
  schema.summary("The web dashboard over HTTP(S): Telegram link, checks with \"Run now\", history with images, "
                 "desktop tokens, and the routes other plugins register for the web")
      .string("listen", "127.0.0.1:8080",
              "address and port to listen on (IP literal or localhost; port 0 = any free port), or "
              "unix:/absolute/path for a unix socket (e.g. behind nginx or oauth2-proxy)")
      .string("socket_mode", "0660", "listen = \"unix:...\": permissions of the socket file, in octal")
      .string("socket_group", "",
              "listen = \"unix:...\": group of the socket file, e.g. the proxy's (www-data); empty = the daemon's")
      .path("tls_cert", "", "PEM certificate chain; with tls_key the dashboard serves HTTPS")
      .path("tls_key", "", "PEM private key for tls_cert")
      .string("auth", "link",
              "how users sign in: \"peer\" (the Unix user who opened the connection, on loopback or through "
              "ssh -L), \"link\" (notifyctl login prints a one-time URL), \"proxy\" (a trusted reverse proxy such "
              "as oauth2-proxy names the user), \"none\" (everyone is demo_user; loopback only)")
      .string("user_header", "X-Forwarded-User", "auth = \"proxy\": the request header naming the user")
      .string_list("trusted_proxies", {"127.0.0.1", "::1"},
                   "auth = \"proxy\": addresses or networks (10.0.0.0/8) whose user header is believed")
      .string_list("trusted_proxy_users", {},
                   "auth = \"proxy\": Unix users (e.g. www-data) whose connections from this machine may name the "
                   "user; needed when a trusted proxy address is loopback, where every local user connects from")
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
  WebSettings settings;
  sdk::ConfigProblems problems;
  const auto quoted = [](const std::string& text) { return "\"" + text.substr(0, 64) + "\""; };

  auto listen = sdk::http::parse_listen_address(config.string("listen"));
  const bool listen_ok = listen.ok();
  if (listen_ok) {
    settings.listen = listen.value();
  } else {
    problems.add_status(sdk::Status::failure(listen.error()));
  }

  if (const auto mode = sdk::parse_octal_mode(config.string("socket_mode"))) {
    settings.socket_mode = *mode;
  } else {
    problems.add("socket_mode", quoted(config.string("socket_mode")) + " is not an octal file mode such as \"0660\"");
  }
  if (const std::string& group = config.string("socket_group"); !group.empty()) {
    if (auto gid = sdk::lookup_group(group)) {
      settings.socket_group = gid.value();
    } else {
      problems.add("socket_group", gid.error());
    }
  }
  if (listen_ok && !settings.listen.is_unix()) {
    for (const char* key : {"socket_mode", "socket_group"}) {
      if (config.is_set(key)) problems.add(key, "applies only to listen = \"unix:/path\"");
    }
  }

  const std::string& auth = config.string("auth");
  if (auth == "none") {
    settings.auth = AuthMode::none;
  } else if (auth == "proxy") {
    settings.auth = AuthMode::proxy;
  } else if (auth == "link") {
    settings.auth = AuthMode::link;
  } else if (auth == "peer") {
    settings.auth = AuthMode::peer;
  } else {
    problems.add("auth", quoted(auth) + " is not one of \"peer\", \"link\", \"proxy\", \"none\"");
  }
  settings.demo_user = config.string("demo_user").empty() ? std::string(daemon_user) : config.string("demo_user");
  if (listen_ok && !settings.listen.is_local()) {
    if (settings.auth == AuthMode::none) {
      problems.add("auth", "\"none\" lets anyone act as " + settings.demo_user +
                               "; it is refused on the non-loopback address " + config.string("listen") +
                               " (use auth = \"link\" or \"proxy\")");
    } else if (settings.auth == AuthMode::peer) {
      problems.add("auth", "\"peer\" knows only users of this machine; it is refused on the non-loopback address " +
                               config.string("listen") + " (listen on 127.0.0.1 and reach it through ssh -L)");
    }
  }

  settings.tls_cert = config.string("tls_cert");
  settings.tls_key = config.string("tls_key");
  if (settings.tls_cert.empty() != settings.tls_key.empty()) {
    problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                 "tls_cert and tls_key go together: give both for HTTPS, or neither");
  }
  if (listen_ok && settings.listen.is_unix() && settings.tls()) {
    problems.add("tls_cert", "a unix socket is served without TLS (the proxy in front terminates it)");
  }

  const std::string& header = config.string("user_header");
  if (header.empty() || header.size() > 64 || !std::all_of(header.begin(), header.end(), is_token_char)) {
    problems.add("user_header", quoted(header) + " is not a header name");
  }
  settings.user_header = lower_case(header);

  if (auto proxies = TrustedProxies::parse(config.strings("trusted_proxies"))) {
    settings.trusted_proxies = std::move(proxies).value();
  } else {
    problems.add_status(sdk::Status::failure(proxies.error()));
  }
  for (const auto& user : config.strings("trusted_proxy_users")) {
    if (sdk::is_valid_user_name(user)) {
      settings.trusted_proxy_users.push_back(user);
    } else {
      problems.add("trusted_proxy_users", quoted(user) + " is not a user name");
    }
  }
  if (settings.auth == AuthMode::proxy && listen_ok && !settings.listen.is_unix()) {
    if (settings.trusted_proxies.empty()) {
      problems.add("trusted_proxies", "auth = \"proxy\" needs at least one address in trusted_proxies");
    }
    if (settings.trusted_proxies.covers_loopback() && settings.trusted_proxy_users.empty()) {
      problems.add("auth",
                   "\"proxy\" on " + config.string("listen") +
                       " would believe the user header from every local user (they all connect from loopback): "
                       "name the proxy's Unix user in trusted_proxy_users (e.g. [\"www-data\"]), or listen on a "
                       "unix socket only the proxy may open (listen = \"unix:/run/notifyd/web.sock\", "
                       "socket_group = \"www-data\")");
    }
  }
  settings.email_domain = lower_case(config.string("email_domain"));

  if (settings.auth == AuthMode::none && !sdk::is_valid_user_name(settings.demo_user)) {
    problems.add("demo_user", quoted(settings.demo_user) + " is not a user name");
  }

  settings.public_url = config.string("public_url");
  while (!settings.public_url.empty() && settings.public_url.back() == '/') settings.public_url.pop_back();
  if (!settings.public_url.empty() && !is_base_url(settings.public_url)) {
    problems.add("public_url", quoted(settings.public_url) + " is not an http:// or https:// URL without query");
  }
  if (settings.public_url.empty() && settings.auth == AuthMode::link && listen_ok && settings.listen.is_unix()) {
    problems.add("public_url", "auth = \"link\" on a unix socket needs the address people open, for the links "
                               "notifyctl login prints");
  }
  settings.logout_url = config.string("logout_url");
  if ((!settings.logout_url.empty() && !settings.logout_url.starts_with("/") && !is_base_url(settings.logout_url)) ||
      settings.logout_url.starts_with("//") ||
      std::any_of(settings.logout_url.begin(), settings.logout_url.end(),
                  [](unsigned char c) { return c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>'; })) {
    problems.add("logout_url", "must be a path (/oauth2/sign_out) or an http(s):// URL");
  }

  for (const char* key : {"max_sessions", "max_connections", "body_limit", "image_max_bytes"}) {
    if (config.integer(key) <= 0) problems.add(key, "must be greater than zero, not " + std::to_string(config.integer(key)));
  }
  for (const char* key : {"session_ttl", "login_link_ttl", "header_timeout", "idle_timeout", "request_timeout",
                          "answer_timeout"}) {
    if (config.duration(key).count() <= 0) problems.add(key, "must be greater than zero");
  }
  if (!problems.empty()) return sdk::Result<WebSettings>::failure(problems.status().message);

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
