#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::webui {

/// An open HTTP connection, as the registry sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Closes the connection from any thread: at once when it waits for a
  /// request, after the response when one is being answered.
  virtual void close() = 0;
};

/// The connections of one dashboard, held weakly so that `stop` can close
/// them and learn when the last one is gone. Connections add themselves when
/// they start and remove themselves in their destructor, each on its own
/// strand: every member is thread-safe.
class ConnectionRegistry {
 public:
  /// `gauge` mirrors the number of connections.
  explicit ConnectionRegistry(sdk::Gauge& gauge) noexcept : gauge_(gauge) {}

  /// Adds a connection; false once `close_all` has been called (it must not start).
  bool add(const std::shared_ptr<Connection>& connection);
  /// Forgets `connection` (from its destructor); runs the `close_all`
  /// callback when it was the last one.
  void remove(const Connection* connection) noexcept;
  /// Connections open now.
  std::size_t size() const noexcept;
  /// Refuses new connections, asks every open one to close, and calls `done`
  /// once none is left: at once when there are none, otherwise from the
  /// thread that destroys the last connection.
  void close_all(std::function<void()> done);

 private:
  sdk::Gauge& gauge_;
  mutable std::mutex mutex_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
  bool closing_ = false;
  std::function<void()> done_;
};

}  // namespace notifyd::webui
