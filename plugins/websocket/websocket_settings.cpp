#include "websocket_settings.hpp"

#include <charconv>
#include <filesystem>
#include <system_error>
#include <tuple>
#include <utility>

#include <boost/asio/ip/address.hpp>

#include "notifyd/sdk/config_problems.hpp"

namespace notifyd::websocket {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t max_frame_limit = 16 << 20;

bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::"; }

}  // namespace

sdk::Result<ListenAddress> parse_listen_address(std::string_view text) {
  using AddressFailure = sdk::Result<ListenAddress>;
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return AddressFailure::failure("\"" + std::string(text) + "\" is not host:port (e.g. \"127.0.0.1:8765\")");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return AddressFailure::failure("\"" + std::string(text) + "\": bad IPv6 address");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return AddressFailure::failure("\"" + std::string(text) + "\": write an IPv6 address as [addr]:port");
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return AddressFailure::failure("\"" + std::string(text) + "\": the port must be 0 to 65535");
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error) return AddressFailure::failure("\"" + std::string(text) + "\": the host must be an IP address");
  return ListenAddress{address.to_string(), static_cast<std::uint16_t>(port)};
}

void describe_websocket_settings(sdk::ConfigSchema& schema) {
  schema.summary("Pushes notifications to the desktop app over WebSocket (seed protocol: JWT auth, JSON "
                 "heartbeat), replays what a reconnecting app missed, and issues desktop tokens")
      .string("listen", "127.0.0.1:8765", "TCP address to listen on, host:port or [v6]:port")
      .path("tls_cert", "", "PEM certificate chain; with tls_key, connections use wss://")
      .path("tls_key", "", "PEM private key for tls_cert")
      .string_list("allowed_origins", {}, "Origin header values accepted at the upgrade; empty = any")
      .secret("jwt_secret", "HS256 key of desktop tokens; without it the channel stays off")
      .duration("auth_timeout", 10s, "time a new connection has to send its auth message")
      .duration("ping_interval", 30s, "interval of the {\"type\":\"ping\"} heartbeat (and of protocol pings)")
      .integer("max_missed_pongs", 3, "heartbeats a client may leave unanswered before it is dropped")
      .integer("max_connections_per_user", 5, "authenticated connections per user; more get \"Too many connections\"")
      .integer("max_connections", 20000, "connections open at once, authenticated or not; more are closed at once")
      .integer("max_unauthenticated_per_address", 256,
               "connections not yet authenticated per peer address (all of loopback is one, an IPv6 /64 is one); "
               "beyond it the address's oldest is closed")
      .integer("send_queue_limit", 256, "frames queued per connection; a client that lets more pile up is disconnected")
      .integer("send_queue_bytes", 4 << 20, "bytes queued per connection; a client that lets more pile up is disconnected")
      .integer("max_frame", 64 * 1024, "largest message a client may send, in bytes")
      .integer("replay_limit", 500, "most notifications replayed to a client that reconnects with `since`")
      .integer("replay_bytes", 16 << 20, "most bytes of notification text held for one replay")
      .integer("image_max_bytes", 20 << 20, "largest notification image served at image_url")
      .duration("token_ttl", std::chrono::hours(24 * 30), "lifetime of tokens issued by POST /api/desktop/token")
      .string("image_base_url", "", "prefix of image_url (e.g. https://notify.example.com); empty = a relative URL")
      .string("public_url", "", "WebSocket URL the token route reports; empty = derived from listen");
}

sdk::Result<WebSocketSettings> read_websocket_settings(const sdk::PluginConfig& config) {
  WebSocketSettings settings;
  sdk::ConfigProblems problems;
  if (auto listen = parse_listen_address(config.string("listen"))) {
    settings.listen = std::move(listen).value();
  } else {
    problems.add("listen", listen.error());
  }

  settings.tls_cert = config.string("tls_cert");
  settings.tls_key = config.string("tls_key");
  if (settings.tls_cert.empty() != settings.tls_key.empty()) {
    problems.add(settings.tls_cert.empty() ? "tls_key" : "tls_cert",
                 "tls_cert and tls_key go together: give both or neither");
  }
  for (const auto& [key, path] : {std::pair{"tls_cert", &settings.tls_cert}, std::pair{"tls_key", &settings.tls_key}}) {
    std::error_code ec;
    if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
      problems.add(key, *path + " is not a readable file");
    }
  }
  settings.allowed_origins = config.strings("allowed_origins");
  settings.jwt_secret = config.secret("jwt_secret");

  for (const char* key : {"auth_timeout", "ping_interval", "token_ttl"}) {
    if (config.duration(key).count() <= 0) problems.add(key, "must be greater than zero");
  }
  for (const auto& [key, low, high] : {std::tuple{"max_missed_pongs", 1LL, 1000LL},
                                        std::tuple{"max_connections_per_user", 1LL, 100000LL},
                                        std::tuple{"max_connections", 1LL, 10000000LL},
                                        std::tuple{"max_unauthenticated_per_address", 1LL, 10000000LL},
                                        std::tuple{"send_queue_limit", 1LL, 1000000LL},
                                        std::tuple{"send_queue_bytes", 1024LL, 1LL << 32},
                                        std::tuple{"max_frame", 256LL, static_cast<long long>(max_frame_limit)},
                                        std::tuple{"replay_limit", 0LL, 100000LL},
                                        std::tuple{"replay_bytes", 4096LL, 1LL << 32},
                                        std::tuple{"image_max_bytes", 1LL, 1LL << 32}}) {
    const std::int64_t value = config.integer(key);
    if (value < low || value > high) {
      problems.add(key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    }
  }

  settings.image_base_url = config.string("image_base_url");
  settings.public_url = config.string("public_url");
  if (!settings.public_url.empty() && !settings.public_url.starts_with("ws://") &&
      !settings.public_url.starts_with("wss://")) {
    problems.add("public_url", "must start with ws:// or wss://");
  }
  if (!problems.empty()) return sdk::Result<WebSocketSettings>::failure(problems.status().message);

  settings.auth_timeout = config.duration("auth_timeout");
  settings.ping_interval = config.duration("ping_interval");
  settings.token_ttl = config.duration("token_ttl");
  settings.max_missed_pongs = static_cast<std::uint32_t>(config.integer("max_missed_pongs"));
  settings.max_connections_per_user = static_cast<std::size_t>(config.integer("max_connections_per_user"));
  settings.max_connections = static_cast<std::size_t>(config.integer("max_connections"));
  settings.max_unauthenticated_per_address =
      static_cast<std::size_t>(config.integer("max_unauthenticated_per_address"));
  settings.send_queue_frames = static_cast<std::size_t>(config.integer("send_queue_limit"));
  settings.send_queue_bytes = static_cast<std::size_t>(config.integer("send_queue_bytes"));
  settings.max_frame = static_cast<std::size_t>(config.integer("max_frame"));
  settings.replay_limit = static_cast<std::uint32_t>(config.integer("replay_limit"));
  settings.replay_bytes = static_cast<std::size_t>(config.integer("replay_bytes"));
  settings.image_max_bytes = static_cast<std::uint64_t>(config.integer("image_max_bytes"));
  return settings;
}

std::string desktop_url(const WebSocketSettings& settings, std::string_view request_host) {
  if (!settings.public_url.empty()) return settings.public_url;
  std::string host = settings.listen.host;
  if (is_wildcard(host)) host = request_host.empty() ? "localhost" : std::string(request_host);
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return std::string(settings.tls() ? "wss://" : "ws://") + host + ":" + std::to_string(settings.listen.port) + "/";
}

}  // namespace notifyd::websocket
