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

/// Declares the server keys `keys` asks for on `schema`:
/// `listen`, `socket_mode`, `socket_group`, `tls_cert`, `tls_key`,
/// `max_connections`, `body_limit`, `header_timeout`, `idle_timeout`,
/// `request_timeout`, `answer_timeout`.
void describe_server_keys(ConfigSchema& schema, const ServerKeys& keys);

/// Reads the keys `describe_server_keys` declared from `config`, adding what is
/// wrong to `problems` (limits and timeouts must be positive, `tls_cert` and
/// `tls_key` go together, the socket keys and TLS need a fitting `listen`);
/// default settings when something is wrong. (A plugin with a SettingsSchema
/// binds the same keys with server_settings_schema.hpp instead.)
ServerSettings read_server_settings(const PluginConfig& config, const ServerKeys& keys, ConfigProblems& problems);

}  // namespace notifyd::sdk::http
