#include "websocket_metrics.hpp"

namespace notifyd::websocket {
namespace {

constexpr std::string_view disconnects_help = "Desktop WebSocket clients disconnected by the server";

sdk::MetricLabels labels(const std::string& instance, std::string reason = {}) {
  sdk::MetricLabels out{{"instance", instance}};
  if (!reason.empty()) out.emplace_back("reason", std::move(reason));
  return out;
}

}  // namespace

WebSocketMetrics::WebSocketMetrics(sdk::Metrics& metrics, const std::string& instance)
    : connections(metrics.gauge("websocket_connections", "Desktop WebSocket connections open", labels(instance))),
      users(metrics.gauge("websocket_users", "Users with an authenticated desktop WebSocket connection",
                          labels(instance))),
      frames_sent(metrics.counter("websocket_frames_sent_total", "Frames written to desktop WebSocket clients",
                                  labels(instance))),
      frames_dropped(metrics.counter("websocket_frames_dropped_total",
                                     "Queued frames discarded because their desktop connection was cut",
                                     labels(instance))),
      auth_failures(metrics.counter("websocket_auth_failures_total", "Desktop WebSocket authentications refused",
                                    labels(instance))),
      heartbeat_drops(metrics.counter("websocket_disconnects_total", disconnects_help, labels(instance, "heartbeat"))),
      overflow_drops(
          metrics.counter("websocket_disconnects_total", disconnects_help, labels(instance, "send_queue_full"))),
      evicted(metrics.counter("websocket_disconnects_total", disconnects_help,
                              labels(instance, "unauthenticated_per_address"))),
      replayed(metrics.counter("websocket_replayed_total", "Notifications replayed to reconnecting desktop apps",
                               labels(instance))) {}

}  // namespace notifyd::websocket
