#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace notifyd::websocket {

/// One desktop app connection as the registry and the channel see it,
/// whatever its transport (ws:// or wss://). Every member may be called from
/// any thread; the work happens on the connection's own strand.
class DesktopConnection {
 public:
  virtual ~DesktopConnection() = default;
  /// Queues notification `id`, already formatted as `frame`, unless a replay
  /// on this connection already covered it. A connection whose send queue
  /// overflows is disconnected.
  virtual void send_notification(std::shared_ptr<const std::string> frame, std::uint64_t id) = 0;
  /// Closes the connection: an authenticated one with a close frame (going
  /// away), one that has not authenticated at once (its socket), so it stops
  /// counting against the limits without delay.
  virtual void close() = 0;
};

}  // namespace notifyd::websocket
