#include "websocket_settings.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::websocket {

sdk::http::ServerKeys websocket_server_keys() {
  sdk::http::ServerKeys keys;
  keys.listen = "127.0.0.1:8765";
  keys.unix_socket_keys = false;
  keys.max_connections = 20000;
  keys.body_limit = 16 * 1024;
  return keys;
}

namespace {

using namespace std::chrono_literals;

constexpr std::int64_t max_frame_limit = 16 << 20;

const sdk::SettingsSchema<WebSocketSettings>& websocket_settings_schema() {
  static const auto schema = [] {
    using S = WebSocketSettings;
    sdk::SettingsSchema<S> s(
        "Pushes notifications to the desktop app over WebSocket (seed protocol: JWT auth, JSON heartbeat), replays "
        "what a reconnecting app missed, and issues desktop tokens");
    sdk::http::bind_server_keys(s, &S::server, websocket_server_keys());
    s.rule({"tls_cert", "tls_key"}, [](const S& settings, sdk::ConfigProblems& problems) {
      for (const auto& [key, path] :
           {std::pair{"tls_cert", &settings.server.tls_cert}, std::pair{"tls_key", &settings.server.tls_key}}) {
        std::error_code ec;
        if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
          problems.add(key, *path + " is not a readable file");
        }
      }
    });
    s.string_list("allowed_origins", {}, "Origin header values accepted at the upgrade; empty = any")
        .into(&S::allowed_origins);
    s.secret("jwt_secret", "HS256 key of desktop tokens; without it the channel stays off").into(&S::jwt_secret);
    s.duration("auth_timeout", 10s, "time an upgraded connection has to send its auth message")
        .into(&S::auth_timeout)
        .positive();
    s.duration("ping_interval", 30s, "interval of the {\"type\":\"ping\"} heartbeat (and of protocol pings)")
        .into(&S::ping_interval)
        .positive();
    s.integer("max_missed_pongs", 3, "heartbeats a client may leave unanswered before it is dropped")
        .into(&S::max_missed_pongs)
        .between(1, 1000);
    s.integer("max_connections_per_user", 5, "authenticated connections per user; more get \"Too many connections\"")
        .into(&S::max_connections_per_user)
        .between(1, 100000);
    s.integer("max_unauthenticated_per_address", 256,
              "connections not yet authenticated per peer address (all of loopback is one, an IPv6 /64 is one); "
              "beyond it the address's oldest is closed")
        .into(&S::max_unauthenticated_per_address)
        .between(1, 10000000);
    s.integer("send_queue_limit", 256, "frames queued per connection; a client that lets more pile up is disconnected")
        .into(&S::send_queue_frames)
        .between(1, 1000000);
    s.integer("send_queue_bytes", 4 << 20, "bytes queued per connection; a client that lets more pile up is disconnected")
        .into(&S::send_queue_bytes)
        .between(1024, 1LL << 32);
    s.integer("max_frame", 64 * 1024, "largest message a client may send, in bytes")
        .into(&S::max_frame)
        .between(256, max_frame_limit);
    s.integer("replay_limit", 500, "most notifications replayed to a client that reconnects with `since`")
        .into(&S::replay_limit)
        .between(0, 100000);
    s.integer("replay_bytes", 16 << 20, "most bytes of notification text held for one replay")
        .into(&S::replay_bytes)
        .between(4096, 1LL << 32);
    s.integer("image_max_bytes", 20 << 20, "largest notification image served at image_url")
        .into(&S::image_max_bytes)
        .between(1, 1LL << 32);
    s.duration("token_ttl", std::chrono::hours(24 * 30), "lifetime of tokens issued by POST /api/desktop/token")
        .into(&S::token_ttl)
        .positive();
    s.string("image_base_url", "", "prefix of image_url (e.g. https://notify.example.com); empty = a relative URL")
        .into(&S::image_base_url);
    s.string("public_url", "", "WebSocket URL the token route reports; empty = derived from listen")
        .into(&S::public_url)
        .check("empty or a ws:// or wss:// URL", [](const std::string& url) {
          return url.empty() || url.starts_with("ws://") || url.starts_with("wss://") ? std::string()
                                                                                      : "must start with ws:// or wss://";
        });
    return s;
  }();
  return schema;
}

}  // namespace

void describe_websocket_settings(sdk::ConfigSchema& schema) { websocket_settings_schema().describe(schema); }

sdk::Result<WebSocketSettings> read_websocket_settings(const sdk::PluginConfig& config) {
  return websocket_settings_schema().read(config);
}

std::string desktop_url(const WebSocketSettings& settings, std::string_view request_host) {
  if (!settings.public_url.empty()) return settings.public_url;
  const auto& listen = settings.server.listen;
  std::string host = listen.address.to_string();
  if (listen.address.is_unspecified()) host = request_host.empty() ? "localhost" : std::string(request_host);
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return std::string(settings.tls() ? "wss://" : "ws://") + host + ":" + std::to_string(listen.port) + "/";
}

}  // namespace notifyd::websocket
