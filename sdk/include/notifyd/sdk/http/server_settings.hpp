#pragma once
// The keys every HTTP server of a plugin declares, with one meaning each:
// where it listens, TLS, how many connections, how large a body, how long
// each phase of a request may take.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

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

/// Binds the server keys `keys` asks for to `server`, a member of the
/// plugin's settings `S`, on its `schema`: `listen`, `socket_mode`,
/// `socket_group`, `tls_cert`, `tls_key`, `max_connections`, `body_limit`,
/// `header_timeout`, `idle_timeout`, `request_timeout`, `answer_timeout`.
/// Limits and timeouts must be greater than zero, `tls_cert` and `tls_key` go
/// together, the socket keys and TLS need a fitting `listen`.
template <class S>
void bind_server_keys(SettingsSchema<S>& schema, ServerSettings S::*server, const ServerKeys& keys) {
  using namespace std::string_literals;
  const auto greater_than_zero = [](const auto& value) { return value > std::decay_t<decltype(value)>{}; };
  if (!keys.listen.empty()) {
    schema
        .string("listen", keys.listen,
                "where to listen: host:port with an IP literal or localhost ([::1]:port for IPv6; [::] takes IPv4 "
                "too; port 0 = any free port)"s +
                    (keys.unix_socket_keys ? ", or unix:/absolute/path" : ""))
        .into([server](S& s, ListenAddress address) { (s.*server).listen = std::move(address); },
              [](const std::string& text) {
                auto address = parse_listen_address(text);
                constexpr std::string_view prefix = "listen: ";
                if (!address && address.error().starts_with(prefix)) {
                  return Result<ListenAddress>::failure(address.error().substr(prefix.size()));
                }
                return address;
              });
    if (keys.unix_socket_keys) {
      schema.string("socket_mode", "0660", "listen = \"unix:...\": permissions of the socket file, in octal")
          .into([server](S& s, mode_t mode) { (s.*server).socket_mode = mode; },
                [](const std::string& text) {
                  const auto mode = parse_octal_mode(text);
                  if (!mode) return Result<mode_t>::failure("\"" + text + "\" is not an octal file mode such as \"0660\"");
                  return Result<mode_t>(*mode);
                });
      schema
          .string("socket_group", "",
                  "listen = \"unix:...\": group of the socket file, e.g. the proxy's (www-data); empty = the daemon's")
          .into([server](S& s, std::pair<std::string, std::optional<gid_t>> group) {
                  (s.*server).socket_group_name = std::move(group.first);
                  (s.*server).socket_group = group.second;
                },
                [](const std::string& name) {
                  using Group = std::pair<std::string, std::optional<gid_t>>;
                  if (name.empty()) return Result<Group>(Group{});
                  auto gid = lookup_group(name);
                  if (!gid) return Result<Group>::failure(gid.error());
                  return Result<Group>(Group{name, gid.value()});
                });
      schema.rule({"listen", "socket_mode", "socket_group"}, [server](const S& s, ConfigProblems& problems) {
        const ServerSettings& settings = s.*server;
        if (settings.listen.is_unix()) return;
        if (settings.socket_mode != ServerSettings{}.socket_mode) {
          problems.add("socket_mode", "applies only to listen = \"unix:/path\"");
        }
        if (!settings.socket_group_name.empty()) problems.add("socket_group", "applies only to listen = \"unix:/path\"");
      });
    } else {
      schema.rule({"listen"}, [server](const S& s, ConfigProblems& problems) {
        if ((s.*server).listen.is_unix()) problems.add("listen", "this server listens on TCP only");
      });
    }
  }
  if (keys.tls_keys) {
    schema.path("tls_cert", "", "PEM certificate chain; with tls_key the server speaks TLS (HTTPS, wss://)")
        .into([server](S& s, const std::string& path) { (s.*server).tls_cert = path; });
    schema.path("tls_key", "", "PEM private key for tls_cert")
        .into([server](S& s, const std::string& path) { (s.*server).tls_key = path; });
    schema.rule({"tls_cert", "tls_key"}, [server](const S& s, ConfigProblems& problems) {
      const ServerSettings& settings = s.*server;
      if (settings.tls_cert.empty() != settings.tls_key.empty()) {
        problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                     "tls_cert and tls_key go together: give both for TLS, or neither");
      } else if (settings.listen.is_unix() && settings.tls()) {
        problems.add("tls_cert", "a unix socket is served without TLS (the proxy in front terminates it)");
      }
    });
  }
  schema.integer("max_connections", keys.max_connections, "connections served at once; more are answered 503 and closed")
      .into([server](S& s, std::int64_t value) { (s.*server).max_connections = static_cast<std::size_t>(value); })
      .satisfies("greater than zero", greater_than_zero);
  schema.integer("body_limit", keys.body_limit, "largest request body in bytes (413 beyond it)")
      .into([server](S& s, std::int64_t value) { (s.*server).body_limit = static_cast<std::uint64_t>(value); })
      .satisfies("greater than zero", greater_than_zero);
  struct Timeout {
    const char* name;
    std::chrono::milliseconds ServerSettings::*field;
    std::chrono::milliseconds fallback;
    const char* help;
  };
  const Timeout timeouts[] = {
      {"header_timeout", &ServerSettings::header_timeout, keys.header_timeout,
       "time allowed for the TLS handshake and a whole request header to arrive"},
      {"idle_timeout", &ServerSettings::idle_timeout, keys.idle_timeout,
       "how long a kept-alive connection may wait for its next request"},
      {"request_timeout", &ServerSettings::request_timeout, keys.request_timeout,
       "time allowed to read a request body, and again to write the response"},
      {"answer_timeout", &ServerSettings::answer_timeout, keys.answer_timeout,
       "time a request's handler may take to answer (504 after it)"}};
  for (const auto& timeout : timeouts) {
    schema.duration(timeout.name, timeout.fallback, timeout.help)
        .into([server, field = timeout.field](S& s, std::chrono::milliseconds value) { (s.*server).*field = value; })
        .satisfies("greater than zero", greater_than_zero);
  }
}

/// Declares the server keys `keys` asks for on `schema`:
/// `listen`, `socket_mode`, `socket_group`, `tls_cert`, `tls_key`,
/// `max_connections`, `body_limit`, `header_timeout`, `idle_timeout`,
/// `request_timeout`, `answer_timeout`.
void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys);

/// Reads the keys `describe_server_keys` declared from `config`, adding what is
/// wrong to `problems` (limits and timeouts must be positive, `tls_cert` and
/// `tls_key` go together, the socket keys and TLS need a fitting `listen`).
ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems);

}  // namespace notifyd::sdk::http
