#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::socket_api {

class SocketSession;

/// The sessions of one front-end, held weakly so that `stop` can close them
/// and learn when the last one is gone. Sessions add themselves when they
/// start and remove themselves in their destructor, each on its own strand:
/// every member is thread-safe.
class SessionRegistry {
 public:
  /// `connections` is the gauge that mirrors the number of sessions.
  explicit SessionRegistry(sdk::Gauge& connections) noexcept : connections_(connections) {}

  /// Adds a session; false once `close_all` has been called (the session must not start).
  bool add(const std::shared_ptr<SocketSession>& session);
  /// Forgets `session` (called from its destructor); runs the `close_all`
  /// callback when it was the last one.
  void remove(const SocketSession* session) noexcept;
  /// Sessions open now.
  std::size_t size() const noexcept;
  /// Refuses new sessions, asks every open one to close, and calls `done`
  /// once none is left: at once when there are none, otherwise from the
  /// thread that destroys the last session.
  void close_all(std::function<void()> done);

 private:
  sdk::Gauge& connections_;
  mutable std::mutex mutex_;
  std::unordered_map<const SocketSession*, std::weak_ptr<SocketSession>> sessions_;
  bool closing_ = false;
  std::function<void()> done_;
};

}  // namespace notifyd::socket_api
