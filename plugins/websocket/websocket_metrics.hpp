#pragma once

#include <string>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::websocket {

/// Every metric series of one WebSocket channel instance (label `instance`).
/// Making it creates them at 0, so they are there while the channel is off
/// (no jwt_secret) too and dashboards show 0 rather than no data.
struct WebSocketMetrics {
  WebSocketMetrics(sdk::Metrics& metrics, const std::string& instance);

  sdk::Gauge& connections;
  sdk::Gauge& users;
  sdk::Counter& frames_sent;
  sdk::Counter& frames_dropped;
  sdk::Counter& auth_failures;
  sdk::Counter& heartbeat_drops;
  sdk::Counter& overflow_drops;
  sdk::Counter& evicted;
  sdk::Counter& replayed;
};

}  // namespace notifyd::websocket
