#include "websocket_channel.hpp"

#include <atomic>
#include <chrono>

#include <boost/asio/post.hpp>

#include "desktop_server.hpp"
#include "dispatch_request.hpp"
#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "replica_sync.hpp"
#include "server_message.hpp"
#include "server_state.hpp"
#include "token_route.hpp"
#include "websocket_metrics.hpp"

namespace notifyd::websocket {
namespace {

using namespace std::chrono_literals;

// How often a line with the connection figures is logged (only when they changed).
constexpr auto health_log_interval = 60s;
// HS256 keys shorter than the hash are weak against an offline search.
constexpr std::size_t min_secret_bytes = 32;

// POST /dispatch on the unix-socket API (see dispatch_request.hpp).
sdk::Route dispatch_route(const std::shared_ptr<ServerState>& state) {
  sdk::Route route;
  route.method = "POST";
  route.path = std::string(dispatch_route_path);
  route.surfaces = sdk::surface_socket;
  route.handler = [weak = std::weak_ptr<ServerState>(state)](sdk::HttpRequest request, sdk::Responder respond) {
    if (auto refusal = refuse_dispatch_caller(request.caller)) return respond(std::move(*refusal));
    const auto state = weak.lock();
    if (!state) return respond(sdk::HttpResponse::error(503, "desktop push is off (no jwt_secret)"));
    auto parsed = parse_dispatch_request(request.body, state->host.instance_name());
    if (!parsed) return respond(sdk::HttpResponse::error(400, parsed.error()));
    // The image is read on the plugin's executor, off the front-end's strand.
    boost::asio::post(state->host.executor(), [weak, caller = std::move(request.caller), respond,
                                               dispatch = std::move(parsed).value()]() mutable {
      const auto state = weak.lock();
      if (!state) return respond(sdk::HttpResponse::error(503, "desktop push is stopping"));
      std::string warning;
      if (auto problem = attach_dispatch_image(dispatch, caller, state->settings.image_max_bytes); !problem.empty()) {
        const auto& n = dispatch.publish.notification;
        if (n.title.empty() && n.message.empty()) {
          return respond(sdk::HttpResponse::error(400, "image_path: " + problem));
        }
        warning = "image_path: " + problem + "; the text went alone";
      }
      std::string user = dispatch.publish.notification.user;
      state->host.notifications().publish(
          std::move(dispatch.publish), [weak, user = std::move(user), warning = std::move(warning),
                                        respond](sdk::PublishOutcome outcome) {
            using Code = sdk::PublishOutcome::Code;
            switch (outcome.code) {
              case Code::accepted: {
                const auto state = weak.lock();
                const std::size_t sent = state ? state->registry.connections_of(user) : 0;
                return respond(sdk::HttpResponse::json(200, dispatch_answer(sent, outcome.id, warning)));
              }
              case Code::not_linked:  // no desktop token: no app to reach, as the seed answered
                return respond(sdk::HttpResponse::json(200, dispatch_answer(0, 0, warning)));
              case Code::invalid:
                return respond(sdk::HttpResponse::error(400, outcome.message));
              case Code::unavailable:
                return respond(sdk::HttpResponse::error(503, outcome.message));
            }
            respond(sdk::HttpResponse::error(500, "unknown publish outcome"));
          });
    });
  };
  return route;
}

}  // namespace

WebSocketChannel::WebSocketChannel(sdk::Host& host) : host_(host), health_timer_(host.executor()) {}

WebSocketChannel::~WebSocketChannel() = default;

void WebSocketChannel::describe(sdk::ConfigSchema& schema) { describe_websocket_settings(schema); }

sdk::Status WebSocketChannel::configure() {
  auto settings = read_websocket_settings(host_.config());
  if (!settings) return sdk::Status::failure(settings.error());
  const bool off = settings.value().jwt_secret.empty();
  if (off) {
    WebSocketMetrics(host_.metrics(), host_.instance_name());  // its series, at 0 while off
    host_.log().warn("no jwt_secret (set jwt_secret_env or jwt_secret_file): desktop push is off, "
                     "this channel reaches nobody");
  } else {
    if (settings.value().jwt_secret.size() < min_secret_bytes) {
      host_.log().warn("jwt_secret is shorter than ", min_secret_bytes,
                       " bytes: anyone holding one desktop token can try to guess it offline "
                       "(e.g. head -c 32 /dev/urandom | base64)");
    }
    state_ = std::make_shared<ServerState>(host_, std::move(settings).value());
    if (auto loaded = state_->ledger.load(host_.documents(), state_->ledger_document(), sdk::now_epoch_ms() / 1000);
        !loaded) {
      return loaded;
    }
  }

  sdk::Route route;
  route.method = "POST";
  route.path = std::string(token_route_path);
  route.surfaces = sdk::surface_web | sdk::surface_socket;
  std::weak_ptr<ServerState> weak = state_;
  auto fallback = off ? std::make_shared<const WebSocketSettings>(std::move(settings).value()) : nullptr;
  route.handler = [weak, fallback](sdk::HttpRequest request, sdk::Responder respond) {
    const auto state = weak.lock();
    if (!state && !fallback) return respond(sdk::HttpResponse::error(503, "desktop push is stopping"));
    auto answer = answer_token_request(request, state ? state->settings : *fallback, sdk::now_epoch_ms());
    if (state && answer.issued) state->remember_token(answer.issued->user, answer.issued->expires_at);
    respond(std::move(answer.response));
  };
  if (auto added = host_.routes().add(std::move(route)); !added) return added;
  sdk::Route status;
  status.method = "GET";
  status.path = std::string(status_route_path);
  status.surfaces = sdk::surface_web | sdk::surface_socket;
  status.handler = [configured = !off](sdk::HttpRequest request, sdk::Responder respond) {
    respond(answer_status_request(request, configured));
  };
  if (auto added = host_.routes().add(std::move(status)); !added) return added;
  return host_.routes().add(dispatch_route(state_));
}

sdk::Status WebSocketChannel::start() {
  if (!state_) return sdk::Status::success();
  auto server = sdk::http::Server::create(host_, state_->settings.server, desktop_server_options(state_));
  if (auto status = server->open(); !status) return status;
  server_ = std::move(server);
  sync_ = std::make_shared<ReplicaSync>(state_);
  state_->sync = sync_;
  sync_->start();
  server_->run();
  const auto& s = state_->settings;
  host_.log().info("listening on ", s.tls() ? "wss://" : "ws://",
                   sdk::http::format_host_port(s.server.listen.address, port()), "/ (max ", s.server.max_connections,
                   " connections, ", s.max_connections_per_user, " per user, ",
                   s.allowed_origins.empty() ? "any origin" : std::to_string(s.allowed_origins.size()) + " origins",
                   ", ", state_->ledger.size(), " desktop users known)");
  arm_health_log();
  return sdk::Status::success();
}

void WebSocketChannel::stop(std::function<void()> done) {
  health_timer_.cancel();
  if (!state_) {
    if (done) done();
    return;
  }
  if (sync_) sync_->stop();
  const std::size_t open = state_->registry.size();
  if (open > 0) host_.log().info("closing ", open, " desktop connection(s)");
  // Done once the server's HTTP connections and the desktop sessions are all gone.
  struct Join {
    std::atomic<int> left;
    std::function<void()> done;
  };
  auto join = std::make_shared<Join>(server_ ? 2 : 1, std::move(done));
  auto part_done = [join] {
    if (--join->left == 0 && join->done) join->done();
  };
  if (server_) server_->stop(part_done);
  state_->registry.close_all(part_done);
}

bool WebSocketChannel::reaches(std::string_view user) const {
  if (!state_) return false;
  return state_->registry.connected(user) || state_->ledger.holds_token(user, sdk::now_epoch_ms() / 1000);
}

void WebSocketChannel::deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) {
  if (!state_) return done(sdk::DeliveryResult::permanent("desktop push is off (no jwt_secret)"));
  const auto& notification = *delivery.notification;
  // A replay already brought it to the user's app.
  if (state_->receipts.take(notification.user, notification.id)) return done(sdk::DeliveryResult::ok());
  auto frame =
      std::make_shared<const std::string>(notification_message(notification, state_->settings.image_base_url));
  if (state_->registry.fan_out(notification.user, frame, notification.id).reached > 0) {
    return done(sdk::DeliveryResult::ok());
  }
  // The user's app is connected to another replica, which brought it there.
  if (sync_ && sync_->reached_elsewhere(notification.id, notification.user)) return done(sdk::DeliveryResult::ok());
  // Kept by the outbox until an app connects: the retry reaches it then, or
  // its replay (`since`) does first and leaves a receipt for the retry.
  done(sdk::DeliveryResult::retry("no desktop app connected"));
}

sdk::ChannelCondition WebSocketChannel::condition() const {
  if (!state_) return {"off", "desktop push is off (no jwt_secret)", {}};
  const auto cluster = sync_ ? sync_->figures() : ReplicaSync::Figures{};
  return {"ok",
          "",
          {{"connections", state_->registry.size()},
           {"users", state_->registry.users()},
           {"frames_sent", state_->frames_sent.value()},
           {"frames_dropped", state_->frames_dropped.value()},
           {"replicas", cluster.replicas},
           {"cluster_connections", cluster.connections},
           {"cluster_users", cluster.users}}};
}

std::uint16_t WebSocketChannel::port() const { return server_ ? server_->local_endpoint().port() : 0; }

void WebSocketChannel::arm_health_log() {
  health_timer_.expires_after(health_log_interval);
  health_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    log_health();
    arm_health_log();
  });
}

void WebSocketChannel::log_health() {
  const std::size_t connections = state_->registry.size();
  const std::uint64_t sent = state_->frames_sent.value();
  const std::uint64_t dropped = state_->frames_dropped.value();
  if (connections == logged_connections_ && sent == logged_sent_ && dropped == logged_dropped_) return;
  host_.log().info(connections, " connection(s), ", state_->registry.users(), " user(s) connected; frames sent ",
                   sent - logged_sent_, ", dropped ", dropped - logged_dropped_, " in the last ",
                   std::chrono::duration_cast<std::chrono::seconds>(health_log_interval).count(), "s");
  logged_connections_ = connections;
  logged_sent_ = sent;
  logged_dropped_ = dropped;
}

}  // namespace notifyd::websocket

using notifyd::websocket::WebSocketChannel;
NOTIFYD_PLUGIN(WebSocketChannel, "websocket", channel)
