#include "desktop_server.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "desktop_session.hpp"
#include "jwt.hpp"
#include "notifyd/sdk/stored_image.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "peer_address.hpp"
#include "server_state.hpp"

namespace notifyd::websocket {
namespace {

// An HTTP connection as the registry sees it until its upgrade: it counts
// against the limits, and closing it closes the HTTP connection.
class HttpEntry final : public DesktopConnection {
 public:
  HttpEntry(std::shared_ptr<ServerState> state, std::function<void()> close)
      : state_(std::move(state)), close_(std::move(close)) {}
  ~HttpEntry() override { state_->registry.closed(this); }
  HttpEntry(const HttpEntry&) = delete;
  HttpEntry& operator=(const HttpEntry&) = delete;

  void send_notification(std::shared_ptr<const std::string>, std::uint64_t) override {}
  void close() override { close_(); }

 private:
  std::shared_ptr<ServerState> state_;
  std::function<void()> close_;
};

template <class WebSocket>
void start_session(const std::shared_ptr<ServerState>& state, typename WebSocket::next_layer_type&& stream,
                   sdk::http::Upgrade& upgrade) {
  auto session = std::make_shared<DesktopSession<WebSocket>>(state, std::move(stream), upgrade.peer.to_string());
  // Refused when it was closed to make room or the channel is stopping: the
  // session is destroyed here, which closes the connection.
  const DesktopConnection* entry = static_cast<HttpEntry*>(upgrade.tracking.get());
  if (!state->registry.replace(entry, session)) return;
  session->run(std::move(upgrade.request));
}

}  // namespace

sdk::HttpResponse answer_desktop_request(const ServerState& state, const sdk::HttpRequest& request) {
  if (request.method != "GET" || !request.path.starts_with(image_path_prefix)) {
    return sdk::HttpResponse::error(426, "this is the notifyd desktop WebSocket endpoint");
  }
  const std::string_view authorization = request.header("authorization");
  constexpr std::string_view bearer = "Bearer ";
  if (!authorization.starts_with(bearer)) {
    return sdk::HttpResponse::error(401, "a desktop token is required (Authorization: Bearer)");
  }
  auto claims = verify_jwt(authorization.substr(bearer.size()), state.settings.jwt_secret, sdk::now_epoch_ms() / 1000);
  if (!claims) return sdk::HttpResponse::error(401, claims.error());
  const auto id = sdk::parse_notification_id(std::string_view(request.path).substr(image_path_prefix.size()));
  auto entry = id ? state.host.notifications().find(*id) : sdk::Result<sdk::HistoryEntry>::failure("no id");
  // Someone else's notification and a missing one look the same.
  if (!entry || entry.value().notification.user != claims->subject) return sdk::HttpResponse::error(404, "no such image");
  auto image = sdk::read_notification_image(entry.value().notification, state.settings.image_max_bytes);
  if (!image) return sdk::HttpResponse::error(404, "no such image");
  sdk::HttpResponse response{200, image.value().content_type, std::move(image.value().bytes), {}};
  response.headers.emplace_back("Cache-Control", "private, max-age=86400, immutable");
  return response;
}

std::optional<sdk::HttpResponse> check_desktop_upgrade(const ServerState& state, const sdk::http::Peer& peer,
                                                       const sdk::HttpRequest& request) {
  const auto& allowed = state.settings.allowed_origins;
  // Browsers always send Origin; the desktop app (like any non-browser
  // client) sends none, and cannot be the cross-site page this guards against.
  if (allowed.empty() || !request.headers.contains("origin")) return std::nullopt;
  const std::string_view origin = request.header("origin");
  if (std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) return std::nullopt;
  state.host.log().info("refused an upgrade from ", peer.to_string(), ": origin \"",
                        origin.substr(0, std::min<std::size_t>(origin.size(), 200)), "\" is not in allowed_origins");
  return sdk::HttpResponse::error(403, "origin not allowed");
}

sdk::http::ServerOptions desktop_server_options(const std::shared_ptr<ServerState>& state) {
  sdk::http::ServerOptions options;
  options.tls = state->tls;
  options.metrics_prefix = "websocket_http";
  options.description = "the desktop WebSocket endpoint";
  const std::weak_ptr<ServerState> weak = state;
  options.handler = [weak](const sdk::http::Peer&, sdk::HttpRequest request, sdk::Responder respond) {
    const auto state = weak.lock();
    if (!state) return respond(sdk::HttpResponse::error(503, "desktop push is stopping"));
    respond(answer_desktop_request(*state, request));
  };
  options.check_upgrade = [weak](const sdk::http::Peer& peer,
                                 const sdk::HttpRequest& request) -> std::optional<sdk::HttpResponse> {
    const auto state = weak.lock();
    if (!state) return sdk::HttpResponse::error(503, "desktop push is stopping");
    return check_desktop_upgrade(*state, peer, request);
  };
  // Admitted while fewer than max_connections are open, HTTP and desktop together.
  options.admit = [weak](const sdk::http::Peer&, const sdk::http::OpenConnections&) {
    const auto state = weak.lock();
    return state && state->registry.size() < state->settings.server.max_connections;
  };
  options.track = [weak](const sdk::http::Peer& peer, std::function<void()> close) -> std::shared_ptr<void> {
    const auto state = weak.lock();
    if (!state) {
      close();
      return nullptr;
    }
    auto entry = std::make_shared<HttpEntry>(state, std::move(close));
    if (!state->registry.open(entry, peer_address_key(peer.address))) entry->close();
    return entry;
  };
  options.upgrade = [weak](sdk::http::Upgrade upgrade) {
    const auto state = weak.lock();
    if (!state || !upgrade.tracking) return;
    if (auto* plain = std::get_if<sdk::http::PlainStream>(&upgrade.stream)) {
      start_session<PlainWebSocket>(state, std::move(*plain), upgrade);
    } else if (auto* tls = std::get_if<sdk::http::TlsStream>(&upgrade.stream)) {
      start_session<TlsWebSocket>(state, std::move(*tls), upgrade);
    }
  };
  return options;
}

}  // namespace notifyd::websocket
