#pragma once
// What the listener and every connection of one sdk::http::Server share.

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/metrics.hpp"

namespace notifyd::sdk::http::detail {

/// True when a header a handler (or `decorate`) supplied may be written as is (no header injection).
bool header_is_safe(std::string_view name, std::string_view value) noexcept;
/// True for the headers the server writes itself (Content-Length, Transfer-Encoding, Connection, Content-Type).
bool header_is_framing(std::string_view name) noexcept;

/// An open connection, as the registry sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Closes the connection from any thread: at once when it waits for a
  /// request, after the response when one is being answered.
  virtual void close() = 0;
};

/// The connections of one server, held weakly so that `close_all` can close
/// them and learn when the last one is gone, counted per peer uid for
/// admission rules. Connections add themselves when they start and remove
/// themselves in their destructor, each on its own strand: every member is thread-safe.
class ConnectionRegistry {
 public:
  /// `gauge` mirrors the number of connections.
  explicit ConnectionRegistry(Gauge& gauge) noexcept : gauge_(gauge) {}

  /// Adds a connection (of a unix peer with `uid`); false once `close_all` was called.
  bool add(const std::shared_ptr<Connection>& connection, std::optional<uid_t> uid);
  /// Forgets `connection` (from its destructor); runs the `close_all` callback when it was the last one.
  void remove(const Connection* connection) noexcept;
  /// Connections open now, and those of `uid`.
  OpenConnections open(std::optional<uid_t> uid) const noexcept;
  /// Refuses new connections, asks every open one to close, and calls `done`
  /// once none is left: at once when there are none, otherwise from the
  /// thread that destroys the last connection.
  void close_all(std::function<void()> done);

 private:
  struct Entry {
    std::weak_ptr<Connection> connection;
    std::optional<uid_t> uid;
  };
  Gauge& gauge_;
  mutable std::mutex mutex_;
  std::unordered_map<const Connection*, Entry> connections_;
  std::unordered_map<uid_t, std::size_t> per_uid_;
  bool closing_ = false;
  std::function<void()> done_;
};

/// Shared by the server object and its connections; lives until the last is gone.
struct ServerState {
  ServerState(Host& host, ServerSettings settings, ServerOptions options);

  /// Counts one answered request; error statuses also by status.
  void count_response(unsigned status) noexcept;

  Host& host;
  const ServerSettings settings;
  const ServerOptions options;
  ConnectionRegistry connections;
  Counter& requests;
};

}  // namespace notifyd::sdk::http::detail
