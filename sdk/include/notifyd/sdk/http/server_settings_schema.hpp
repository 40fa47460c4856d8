#pragma once
// The server keys bound into a plugin's SettingsSchema: a settings struct that
// derives from ServerSettings declares them next to its own keys, each named
// and checked in this one place (describe_server_keys and
// read_server_settings use the same bindings).

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/settings_schema.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::sdk::http {

/// What is wrong with a count or size that must be greater than zero (a
/// negative value is named: a sign typed by mistake); empty when it is right.
inline std::string positive_problem(std::int64_t value) {
  if (value > 0) return {};
  return value < 0 ? "must be greater than zero, not " + std::to_string(value) : "must be greater than zero";
}

/// What is wrong with a timeout that must be greater than zero; empty when it is right.
inline std::string positive_problem(std::chrono::milliseconds value) {
  return value.count() > 0 ? std::string() : "must be greater than zero";
}

namespace detail {

/// The group a `socket_group` value names: its name as written and its gid (none when empty).
struct SocketGroup {
  std::string name;
  std::optional<gid_t> gid;
};

}  // namespace detail

/// Declares on `schema` where and how the server listens, as `keys` asks:
/// `listen` (with `socket_mode` and `socket_group` for `unix:` sockets) and
/// `tls_cert` with `tls_key`, with the rules between them (the socket keys
/// and TLS need a fitting `listen`; the TLS files go together).
template <class S>
  requires std::derived_from<S, ServerSettings>
void bind_listen_keys(SettingsSchema<S>& schema, const ServerKeys& keys) {
  const bool unix_keys = keys.unix_socket_keys;
  if (!keys.listen.empty()) {
    schema
        .string("listen", keys.listen,
                "where to listen: host:port with an IP literal or localhost ([::1]:port for IPv6; [::] takes IPv4 "
                "too; port 0 = any free port), or unix:/absolute/path")
        .into([](S& settings, ListenAddress address) { settings.listen = std::move(address); },
              [](const std::string& text) {
                auto address = parse_listen_address(text);
                if (address) return address;
                std::string_view error = address.error();
                if (error.starts_with("listen: ")) error.remove_prefix(8);
                return Result<ListenAddress>::failure(std::string(error));
              });
    if (unix_keys) {
      schema.string("socket_mode", "0660", "listen = \"unix:...\": permissions of the socket file, in octal")
          .into([](S& settings, mode_t mode) { settings.socket_mode = mode; },
                [](const std::string& text) {
                  if (const auto mode = parse_octal_mode(text)) return Result<mode_t>(*mode);
                  return Result<mode_t>::failure("\"" + text.substr(0, 64) +
                                                 "\" is not an octal file mode such as \"0660\"");
                });
      schema
          .string("socket_group", "",
                  "listen = \"unix:...\": group of the socket file, e.g. the proxy's (www-data); empty = the daemon's")
          .into(
              [](S& settings, detail::SocketGroup group) {
                settings.socket_group_name = std::move(group.name);
                settings.socket_group = group.gid;
              },
              [](const std::string& name) {
                using Found = Result<detail::SocketGroup>;
                if (name.empty()) return Found(detail::SocketGroup{});
                auto gid = lookup_group(name);
                if (!gid) return Found::failure(gid.error());
                return Found(detail::SocketGroup{name, gid.value()});
              });
      // A socket key that differs from its default on a TCP listen is a mistake in the table.
      schema.rule({"listen", "socket_mode", "socket_group"}, [](const S& settings, ConfigProblems& problems) {
        if (settings.listen.is_unix()) return;
        if (settings.socket_mode != 0660) problems.add("socket_mode", "applies only to listen = \"unix:/path\"");
        if (!settings.socket_group_name.empty()) problems.add("socket_group", "applies only to listen = \"unix:/path\"");
      });
    } else {
      schema.rule({"listen"}, [](const S& settings, ConfigProblems& problems) {
        if (settings.listen.is_unix()) problems.add("listen", "this server listens on TCP only");
      });
    }
  }
  if (keys.tls_keys) {
    schema.path("tls_cert", "", "PEM certificate chain; with tls_key the server speaks TLS (HTTPS, wss://)")
        .into([](S& settings, const std::string& path) { settings.tls_cert = path; });
    schema.path("tls_key", "", "PEM private key for tls_cert")
        .into([](S& settings, const std::string& path) { settings.tls_key = path; });
    schema.rule({"listen"}, [](const S& settings, ConfigProblems& problems) {
      if (settings.tls_cert.empty() != settings.tls_key.empty()) {
        problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                     "tls_cert and tls_key go together: give both for TLS, or neither");
      }
      if (settings.listen.is_unix() && settings.tls()) {
        problems.add("tls_cert", "a unix socket is served without TLS (the proxy in front terminates it)");
      }
    });
  }
}

/// Declares on `schema` how much the server serves and how long it waits,
/// with the defaults of `keys`: `max_connections`, `body_limit`,
/// `header_timeout`, `idle_timeout`, `request_timeout`, `answer_timeout`,
/// each greater than zero.
template <class S>
  requires std::derived_from<S, ServerSettings>
void bind_limit_keys(SettingsSchema<S>& schema, const ServerKeys& keys) {
  const auto positive = [](auto value) { return positive_problem(value); };
  schema.integer("max_connections", keys.max_connections, "connections served at once; more are answered 503 and closed")
      .check("greater than zero", positive)
      .into([](S& settings, std::int64_t value) { settings.max_connections = static_cast<std::size_t>(value); });
  schema.integer("body_limit", keys.body_limit, "largest request body in bytes (413 beyond it)")
      .check("greater than zero", positive)
      .into([](S& settings, std::int64_t value) { settings.body_limit = static_cast<std::uint64_t>(value); });
  struct Timeout {
    const char* name;
    std::chrono::milliseconds ServerKeys::*fallback;
    std::chrono::milliseconds ServerSettings::*member;
    const char* help;
  };
  for (const Timeout& timeout : {
           Timeout{"header_timeout", &ServerKeys::header_timeout, &ServerSettings::header_timeout,
                   "time allowed for the TLS handshake and a whole request header to arrive"},
           Timeout{"idle_timeout", &ServerKeys::idle_timeout, &ServerSettings::idle_timeout,
                   "how long a kept-alive connection may wait for its next request"},
           Timeout{"request_timeout", &ServerKeys::request_timeout, &ServerSettings::request_timeout,
                   "time allowed to read a request body, and again to write the response"},
           Timeout{"answer_timeout", &ServerKeys::answer_timeout, &ServerSettings::answer_timeout,
                   "time a request's handler may take to answer (504 after it)"},
       }) {
    schema.duration(timeout.name, keys.*timeout.fallback, timeout.help)
        .check("greater than zero", positive)
        .into([member = timeout.member](S& settings, std::chrono::milliseconds value) { settings.*member = value; });
  }
}

}  // namespace notifyd::sdk::http
