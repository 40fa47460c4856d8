#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/plugin.hpp"

namespace notifyd::websocket {

struct ServerState;
class ReplicaSync;

/// The desktop push channel: a WebSocket server speaking the seed gateway's
/// protocol (JWT auth, JSON heartbeat, notification frames), sending a
/// user's pending deliveries as soon as their app connects and replaying what
/// a reconnecting app missed (`since`), issuing desktop tokens on
/// `POST /api/desktop/token`, and serving the gateway's `POST /dispatch` on
/// the unix-socket API. Without a JWT secret it stays off: it reaches nobody
/// and its routes answer 503. Its HTTP side (TLS, limits, plain requests such
/// as image downloads, the upgrade) is an sdk::http::Server. Lifecycle calls
/// and `deliver` run on the plugin's executor; `reaches` on any thread.
/// NOTIFYD_PLUGIN's adapter turns what a member throws into the host's results.
class WebSocketChannel final {
 public:
  explicit WebSocketChannel(sdk::Host& host);
  ~WebSocketChannel();

  /// Declares the config keys (see websocket_settings.hpp).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings, loads TLS files and the ledger of desktop users,
  /// and registers the token and dispatch routes.
  sdk::Status configure();
  /// Listens and starts accepting (nothing when the channel is off).
  sdk::Status start();
  /// Stops accepting, closes every connection (desktop ones going away) and
  /// calls `done` once, when the last one is gone.
  void stop(std::function<void()> done);

  /// True when `user` is connected now, or holds a desktop token that has not
  /// expired (so a notification waits for an app that is offline for a while).
  bool reaches(std::string_view user) const;
  /// Queues the notification on every connection of its user: delivered when
  /// at least one connection took it, or another replica pushed it to an app
  /// (see ReplicaSync); retried by the outbox otherwise, so an app that
  /// reconnects (with or without `since`) still gets it: the session reports
  /// its user reachable (`Host::recipient_reachable`) once it authenticated.
  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done);
  /// "off" without a JWT secret; else "ok" with the open connections, users
  /// with an authenticated one, and frames sent and dropped (their connection
  /// closed first) since start; and the replicas serving the channel, their
  /// connections summed and their users counted once each (`replicas`,
  /// `cluster_connections`, `cluster_users`).
  sdk::ChannelCondition condition() const;

  /// The TCP port the server bound (tests ask for port 0); 0 before start.
  std::uint16_t port() const;

 private:
  void arm_health_log();
  void log_health();

  sdk::Host& host_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<sdk::http::Server> server_;
  std::shared_ptr<ReplicaSync> sync_;
  boost::asio::steady_timer health_timer_;
  std::uint64_t logged_sent_ = 0;
  std::uint64_t logged_dropped_ = 0;
  std::size_t logged_connections_ = 0;
};

}  // namespace notifyd::websocket
