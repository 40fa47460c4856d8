#include "notifyd/sdk/http/server_settings.hpp"

#include <algorithm>

#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::sdk::http {

void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys) {
  if (!keys.listen.empty()) {
    schema.string("listen", keys.listen,
                  "where to listen: host:port with an IP literal or localhost ([::1]:port for IPv6; [::] takes IPv4 "
                  "too; port 0 = any free port), or unix:/absolute/path");
    if (keys.unix_socket_keys) {
      schema.string("socket_mode", "0660", "listen = \"unix:...\": permissions of the socket file, in octal")
          .string("socket_group", "",
                  "listen = \"unix:...\": group of the socket file, e.g. the proxy's (www-data); empty = the daemon's");
    }
  }
  if (keys.tls_keys) {
    schema.path("tls_cert", "", "PEM certificate chain; with tls_key the server speaks TLS (HTTPS, wss://)")
        .path("tls_key", "", "PEM private key for tls_cert");
  }
  schema.integer("max_connections", keys.max_connections, "connections served at once; more are answered 503 and closed")
      .integer("body_limit", keys.body_limit, "largest request body in bytes (413 beyond it)")
      .duration("header_timeout", keys.header_timeout,
                "time allowed for the TLS handshake and a whole request header to arrive")
      .duration("idle_timeout", keys.idle_timeout, "how long a kept-alive connection may wait for its next request")
      .duration("request_timeout", keys.request_timeout,
                "time allowed to read a request body, and again to write the response")
      .duration("answer_timeout", keys.answer_timeout, "time a request's handler may take to answer (504 after it)");
}

ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems) {
  ServerSettings settings;
  bool listen_ok = false;
  if (!keys.listen.empty()) {
    auto listen = parse_listen_address(config.string("listen"));
    listen_ok = listen.ok();
    if (listen_ok) {
      settings.listen = listen.value();
    } else {
      problems.add_status(Status::failure(listen.error()));
    }
    if (keys.unix_socket_keys) {
      if (const auto mode = parse_octal_mode(config.string("socket_mode"))) {
        settings.socket_mode = *mode;
      } else {
        problems.add("socket_mode", "\"" + config.string("socket_mode") + "\" is not an octal file mode such as \"0660\"");
      }
      settings.socket_group_name = config.string("socket_group");
      if (!settings.socket_group_name.empty()) {
        if (auto gid = lookup_group(settings.socket_group_name)) {
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
    } else if (listen_ok && settings.listen.is_unix()) {
      problems.add("listen", "this server listens on TCP only");
    }
  }
  if (keys.tls_keys) {
    settings.tls_cert = config.string("tls_cert");
    settings.tls_key = config.string("tls_key");
    if (settings.tls_cert.empty() != settings.tls_key.empty()) {
      problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                   "tls_cert and tls_key go together: give both for TLS, or neither");
    }
    if (listen_ok && settings.listen.is_unix() && settings.tls()) {
      problems.add("tls_cert", "a unix socket is served without TLS (the proxy in front terminates it)");
    }
  }
  for (const char* key : {"max_connections", "body_limit"}) {
    if (config.integer(key) <= 0) problems.add(key, "must be greater than zero");
  }
  for (const char* key : {"header_timeout", "idle_timeout", "request_timeout", "answer_timeout"}) {
    if (config.duration(key).count() <= 0) problems.add(key, "must be greater than zero");
  }
  settings.max_connections = static_cast<std::size_t>(std::max<std::int64_t>(config.integer("max_connections"), 0));
  settings.body_limit = static_cast<std::uint64_t>(std::max<std::int64_t>(config.integer("body_limit"), 0));
  settings.header_timeout = config.duration("header_timeout");
  settings.idle_timeout = config.duration("idle_timeout");
  settings.request_timeout = config.duration("request_timeout");
  settings.answer_timeout = config.duration("answer_timeout");
  return settings;
}

}  // namespace notifyd::sdk::http
