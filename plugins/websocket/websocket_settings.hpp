#pragma once
// The WebSocket channel's configuration: the keys it declares and their
// validated, typed form.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The validated settings of one WebSocket channel instance, shared
/// read-only by the server, the sessions and the token route.
struct WebSocketSettings {
  /// The SDK server's keys: `listen` (TCP), `tls_cert`/`tls_key` (wss://),
  /// `max_connections` (HTTP and desktop connections together), the HTTP timeouts.
  sdk::http::ServerSettings server;
  std::vector<std::string> allowed_origins;  ///< exact Origin values; empty = any
  std::string jwt_secret;                    ///< empty = the channel is off
  std::chrono::milliseconds auth_timeout{10'000};
  std::chrono::milliseconds ping_interval{30'000};
  std::uint32_t max_missed_pongs = 3;
  std::size_t max_connections_per_user = 5;
  std::size_t max_unauthenticated_per_address = 256;
  std::size_t send_queue_frames = 256;
  std::size_t send_queue_bytes = 4 << 20;
  std::size_t max_frame = 64 * 1024;
  std::uint32_t replay_limit = 500;
  std::size_t replay_bytes = 16 << 20;
  std::uint64_t image_max_bytes = 20 << 20;  ///< largest image served at image_url
  std::chrono::milliseconds token_ttl{30LL * 24 * 3600 * 1000};
  std::string image_base_url;
  std::string public_url;                    ///< what the token route reports; empty = derived from `listen`

  /// True when connections are served over TLS (wss://).
  bool tls() const noexcept { return server.tls(); }
};

/// The SDK server keys the channel declares, with its defaults (`127.0.0.1:8765`, TCP only, 20000 connections).
sdk::http::ServerKeys websocket_server_keys();

/// Declares the plugin's keys (called from the channel's `describe`).
void describe_websocket_settings(sdk::ConfigSchema& schema);

/// Validates `config` beyond its schema (the address parses, TLS files come in
/// pairs, durations and limits are sane); the error has every problem, one
/// `key: message` line each.
sdk::Result<WebSocketSettings> read_websocket_settings(const sdk::PluginConfig& config);

/// The URL a desktop app connects to: `public_url` when set, else
/// `ws[s]://<host>:<port>/` from `listen`; a wildcard listen host is replaced
/// by `request_host` (the host the caller used, without port), else `localhost`.
std::string desktop_url(const WebSocketSettings& settings, std::string_view request_host);

}  // namespace notifyd::websocket
