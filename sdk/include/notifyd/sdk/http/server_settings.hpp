#pragma once
// The keys every HTTP server of a plugin declares, with one meaning each:
// where it listens, TLS, how many connections, how large a body, how long
// each phase of a request may take.

#include <sys/types.h>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/config_problems.hpp"
#include "notifyd/sdk/http/listen_address.hpp"
#include "notifyd/sdk/settings_schema.hpp"
#include "notifyd/sdk/unix_socket_file.hpp"

namespace notifyd::sdk::http {

/// Which server keys a plugin declares, and their defaults.
struct ServerKeys {
  /// Default of `listen`; empty = the plugin does not declare `listen` (it
  /// sets `ServerSettings::listen` itself, as the socket API does from `path`).
  std::string listen;
  bool unix_socket_keys = true;  ///< declare `socket_mode` and `socket_group` (for `listen = "unix:..."`)
  bool tls_keys = true;          ///< declare `tls_cert` and `tls_key`
  std::int64_t max_connections = 256;
  std::int64_t body_limit = 1 << 20;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds answer_timeout{30'000};
};

/// Largest request header a server accepts (431 beyond it).
inline constexpr std::uint32_t header_limit_bytes = 16 * 1024;

/// The validated server keys.
struct ServerSettings {
  ListenAddress listen;
  mode_t socket_mode = 0660;          ///< unix socket: permissions of its file
  std::optional<gid_t> socket_group;  ///< unix socket: group of its file; nullopt = the daemon's
  std::string socket_group_name;      ///< as written, for log lines
  std::string tls_cert;               ///< with `tls_key`: serve HTTPS
  std::string tls_key;
  std::size_t max_connections = 256;  ///< connections served at once; more are answered 503
  std::uint64_t body_limit = 1 << 20;  ///< bytes; 413 beyond
  /// The TLS handshake and the whole header of a request must arrive within it
  /// (from the connection's start for the first request, from its first byte for later ones).
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};     ///< a kept-alive connection waits this long for its next request
  std::chrono::milliseconds request_timeout{30'000};  ///< to read the body, and again to write the response
  std::chrono::milliseconds answer_timeout{30'000};   ///< for the handler's answer; 504 after it

  /// True when `tls_cert` and `tls_key` are set.
  bool tls() const noexcept { return !tls_cert.empty(); }
};

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

// `server(settings)` is the ServerSettings inside a plugin's settings `S`
// (const or not): a member, or `S` itself when it derives from ServerSettings.
template <class S, class Server>
void bind_listen_keys(SettingsSchema<S>& schema, Server server, const ServerKeys& keys) {
  if (!keys.listen.empty()) {
    schema
        .string("listen", keys.listen,
                std::string("where to listen: host:port with an IP literal or localhost ([::1]:port for IPv6; [::] "
                            "takes IPv4 too; port 0 = any free port)") +
                    (keys.unix_socket_keys ? ", or unix:/absolute/path" : ""))
        .into([server](S& s, ListenAddress address) { server(s).listen = std::move(address); },
              [](const std::string& text) {
                auto address = parse_listen_address(text);
                if (address) return address;
                std::string_view error = address.error();
                if (error.starts_with("listen: ")) error.remove_prefix(8);
                return Result<ListenAddress>::failure(std::string(error));
              });
    if (keys.unix_socket_keys) {
      schema.string("socket_mode", "0660", "listen = \"unix:...\": permissions of the socket file, in octal")
          .into([server](S& s, mode_t mode) { server(s).socket_mode = mode; },
                [](const std::string& text) {
                  if (const auto mode = parse_octal_mode(text)) return Result<mode_t>(*mode);
                  return Result<mode_t>::failure("\"" + text.substr(0, 64) +
                                                 "\" is not an octal file mode such as \"0660\"");
                });
      schema
          .string("socket_group", "",
                  "listen = \"unix:...\": group of the socket file, e.g. the proxy's (www-data); empty = the daemon's")
          .into(
              [server](S& s, SocketGroup group) {
                server(s).socket_group_name = std::move(group.name);
                server(s).socket_group = group.gid;
              },
              [](const std::string& name) {
                using Found = Result<SocketGroup>;
                if (name.empty()) return Found(SocketGroup{});
                auto gid = lookup_group(name);
                if (!gid) return Found::failure(gid.error());
                return Found(SocketGroup{name, gid.value()});
              });
      // A socket key that differs from its default on a TCP listen is a mistake in the table.
      schema.rule({"listen", "socket_mode", "socket_group"}, [server](const S& s, ConfigProblems& problems) {
        const auto& settings = server(s);
        if (settings.listen.is_unix()) return;
        if (settings.socket_mode != ServerSettings{}.socket_mode) {
          problems.add("socket_mode", "applies only to listen = \"unix:/path\"");
        }
        if (!settings.socket_group_name.empty()) problems.add("socket_group", "applies only to listen = \"unix:/path\"");
      });
    } else {
      schema.rule({"listen"}, [server](const S& s, ConfigProblems& problems) {
        if (server(s).listen.is_unix()) problems.add("listen", "this server listens on TCP only");
      });
    }
  }
  if (keys.tls_keys) {
    schema.path("tls_cert", "", "PEM certificate chain; with tls_key the server speaks TLS (HTTPS, wss://)")
        .into([server](S& s, const std::string& path) { server(s).tls_cert = path; });
    schema.path("tls_key", "", "PEM private key for tls_cert")
        .into([server](S& s, const std::string& path) { server(s).tls_key = path; });
    // Not on `listen`: the pair is checked even when `listen` was refused (which leaves it on TCP).
    schema.rule({"tls_cert", "tls_key"}, [server](const S& s, ConfigProblems& problems) {
      const auto& settings = server(s);
      if (settings.tls_cert.empty() != settings.tls_key.empty()) {
        problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                     "tls_cert and tls_key go together: give both for TLS, or neither");
      } else if (settings.listen.is_unix() && settings.tls()) {
        problems.add("tls_cert", "a unix socket is served without TLS (the proxy in front terminates it)");
      }
    });
  }
}

template <class S, class Server>
void bind_limit_keys(SettingsSchema<S>& schema, Server server, const ServerKeys& keys) {
  const auto positive = [](auto value) { return positive_problem(value); };
  schema.integer("max_connections", keys.max_connections, "connections served at once; more are answered 503 and closed")
      .check("greater than zero", positive)
      .into([server](S& s, std::int64_t value) { server(s).max_connections = static_cast<std::size_t>(value); });
  schema.integer("body_limit", keys.body_limit, "largest request body in bytes (413 beyond it)")
      .check("greater than zero", positive)
      .into([server](S& s, std::int64_t value) { server(s).body_limit = static_cast<std::uint64_t>(value); });
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
        .into([server, member = timeout.member](S& s, std::chrono::milliseconds value) {
          static_cast<ServerSettings&>(server(s)).*member = value;
        });
  }
}

template <class S>
auto member_of(ServerSettings S::*member) {
  return [member](auto& settings) -> auto& { return settings.*member; };
}

inline constexpr auto itself = [](auto& settings) -> auto& { return settings; };

}  // namespace detail

/// Binds the server keys `keys` asks for to `server`, a member of the
/// plugin's settings `S`, on its `schema`: `listen`, `socket_mode`,
/// `socket_group`, `tls_cert`, `tls_key`, `max_connections`, `body_limit`,
/// `header_timeout`, `idle_timeout`, `request_timeout`, `answer_timeout`.
/// Limits and timeouts must be greater than zero, `tls_cert` and `tls_key` go
/// together, the socket keys and TLS need a fitting `listen`.
template <class S>
void bind_server_keys(SettingsSchema<S>& schema, ServerSettings S::*server, const ServerKeys& keys) {
  detail::bind_listen_keys(schema, detail::member_of(server), keys);
  detail::bind_limit_keys(schema, detail::member_of(server), keys);
}

/// The first half of `bind_server_keys` for settings that derive from
/// ServerSettings: where and how the server listens (`listen`, the socket
/// keys, TLS). A plugin declares its own keys between the halves when its
/// problems must be reported in that order.
template <class S>
  requires std::derived_from<S, ServerSettings>
void bind_listen_keys(SettingsSchema<S>& schema, const ServerKeys& keys) {
  detail::bind_listen_keys(schema, detail::itself, keys);
}

/// The second half: the limits and timeouts.
template <class S>
  requires std::derived_from<S, ServerSettings>
void bind_limit_keys(SettingsSchema<S>& schema, const ServerKeys& keys) {
  detail::bind_limit_keys(schema, detail::itself, keys);
}

/// Declares the server keys `keys` asks for on `schema`:
/// `listen`, `socket_mode`, `socket_group`, `tls_cert`, `tls_key`,
/// `max_connections`, `body_limit`, `header_timeout`, `idle_timeout`,
/// `request_timeout`, `answer_timeout`.
void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys);

/// Reads the keys `describe_server_keys` declared from `config`, adding what is
/// wrong to `problems` (limits and timeouts must be positive, `tls_cert` and
/// `tls_key` go together, the socket keys and TLS need a fitting `listen`);
/// default settings when something is wrong. (A plugin with a SettingsSchema
/// binds the same keys with bind_server_keys instead.)
ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems);

}  // namespace notifyd::sdk::http
