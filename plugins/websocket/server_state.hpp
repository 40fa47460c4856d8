#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "connection_registry.hpp"
#include "connection_slots.hpp"
#include "desktop_user_ledger.hpp"
#include "replay_receipts.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "websocket_metrics.hpp"
#include "websocket_settings.hpp"

namespace notifyd::websocket {

class ReplicaSync;

/// What the channel, its HTTP server and every session of one instance share.
/// Made at configure and held by shared_ptr by each of them (and by the token
/// route), so it lives until the last session is gone. Thread-safe: settings
/// are read-only; the registry and the ledger lock; the metrics are atomic.
struct ServerState : std::enable_shared_from_this<ServerState> {
  /// Fails (throws std::runtime_error) when the TLS files cannot be loaded.
  ServerState(sdk::Host& host, WebSocketSettings settings);

  /// Records that `user` holds a token until `expires_at` (Unix seconds) and,
  /// when that is news, saves the ledger soon on the plugin's executor.
  void remember_token(const std::string& user, std::int64_t expires_at);
  /// The ledger's document name in the data directory.
  const std::string& ledger_document() const noexcept { return ledger_document_; }

  sdk::Host& host;
  const WebSocketSettings settings;
  std::shared_ptr<boost::asio::ssl::context> tls;
  WebSocketMetrics metrics;
  ConnectionRegistry registry;
  DesktopUserLedger ledger;
  ReplayReceipts receipts;
  /// The per-user limit across replicas.
  ConnectionSlots slots;
  /// The replicas' shared-history tail; set at start, before any session exists.
  std::weak_ptr<ReplicaSync> sync;

  sdk::Counter& frames_sent;
  sdk::Counter& frames_dropped;
  sdk::Counter& auth_failures;
  sdk::Counter& heartbeat_drops;
  sdk::Counter& overflow_drops;
  sdk::Counter& replayed;

 private:
  void save_ledger();

  std::string ledger_document_;
  std::atomic<bool> save_pending_{false};
};

}  // namespace notifyd::websocket
