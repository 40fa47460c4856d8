#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "desktop_connection.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "websocket_metrics.hpp"

namespace notifyd::websocket {

/// The open connections of one channel instance, the ones not yet
/// authenticated by peer address, and the authenticated ones by user.
/// Enforces `max_connections`, the per-address share of connections before
/// auth and the per-user limit, keeps the connection gauges (no user names in
/// metrics), fans notifications out and closes everything at stop.
/// Connections register when accepted (an HTTP connection, replaced by its
/// desktop session at the upgrade) and unregister in their destructor,
/// each from its own strand: every member is thread-safe.
class ConnectionRegistry {
 public:
  /// The limits a registry enforces.
  struct Limits {
    std::size_t connections = 20'000;               ///< open at once, authenticated or not
    std::size_t unauthenticated_per_address = 256;  ///< not yet authenticated, per peer address key
    std::size_t per_user = 5;                       ///< authenticated, per user
  };

  /// Notification ids remembered per connected user, so one is not fanned out twice.
  static constexpr std::size_t recent_ids_per_user = 1024;

  ConnectionRegistry(sdk::Metrics& metrics, std::string instance, Limits limits);

  /// Adds a new, unauthenticated connection from `address` (a key from
  /// `peer_address_key`); false when `max_connections` are open or
  /// `close_all` was called (the connection must not start). When `address`
  /// already holds its share of unauthenticated connections, the oldest of
  /// them is closed to make room: idle connections from one address cannot
  /// keep a newcomer out, nor take the listener from the other addresses.
  bool open(const std::shared_ptr<DesktopConnection>& connection, std::string address);
  /// Puts `successor` in `connection`'s place (its share of its address, its
  /// age among them): an HTTP connection that became a desktop session. False
  /// when `connection` is not open, was closed to make room, or `close_all`
  /// was called (`successor` must not start).
  bool replace(const DesktopConnection* connection, const std::shared_ptr<DesktopConnection>& successor);
  /// Forgets `connection` (called from its destructor); runs the `close_all`
  /// callback when it was the last one.
  void closed(const DesktopConnection* connection) noexcept;
  /// Marks `connection` as `user`'s; false when the user already has
  /// `max_per_user` authenticated connections.
  bool authenticate(const DesktopConnection* connection, const std::string& user);
  /// Takes `connection` out of its user's list (it is closing): no more
  /// notifications are handed to it and its slot is free. It still counts as
  /// open until `closed`.
  void retire(const DesktopConnection* connection) noexcept;
  /// What `fan_out` did.
  struct FanOut {
    std::size_t reached = 0;  ///< authenticated connections of the user: they have the notification or get it now
    std::size_t handed = 0;   ///< those it was handed to by this call (0 when it had been fanned out already)
  };
  /// Hands `frame` (notification `id`) to every authenticated connection of
  /// `user`, unless it was fanned out to that user already (among their last
  /// `recent_ids_per_user` ids): the outbox and the shared-log tail may both
  /// bring one notification, and each connection gets it once.
  FanOut fan_out(std::string_view user, const std::shared_ptr<const std::string>& frame, std::uint64_t id);
  /// True when `user` has an authenticated connection.
  bool connected(std::string_view user) const;
  /// How many authenticated connections `user` has.
  std::size_t connections_of(std::string_view user) const;
  /// Connections open (authenticated or not).
  std::size_t size() const;
  /// Users with at least one authenticated connection.
  std::size_t users() const;
  /// Their names, in no order.
  std::vector<std::string> user_names() const;
  /// Refuses new connections, closes every open one, and calls `done` once
  /// none is left: at once when there are none, otherwise from the thread
  /// that destroys the last connection.
  void close_all(std::function<void()> done);

 private:
  struct Entry {
    std::weak_ptr<DesktopConnection> connection;
    std::string address;  // while it counts against its address's share (before auth)
    std::string user;     // empty until authenticated
    bool evicted = false;  // closed to make room for a newer connection of its address
  };
  struct UserRecord {
    std::vector<const DesktopConnection*> connections;
    std::deque<std::uint64_t> fanned_out;  ///< the latest ids fanned out, oldest first
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
  };
  // Removes the entry's connection from its user's list; with `mutex_` held.
  void detach(const DesktopConnection* connection, Entry& entry) noexcept;
  // Stops counting the entry against its address's share; with `mutex_` held.
  void leave_address(const DesktopConnection* connection, Entry& entry) noexcept;

  const Limits limits_;
  WebSocketMetrics metrics_;

  mutable std::mutex mutex_;
  std::unordered_map<const DesktopConnection*, Entry> entries_;
  std::unordered_map<std::string, std::deque<const DesktopConnection*>> unauthenticated_;  // oldest first
  std::unordered_map<std::string, UserRecord, NameHash, std::equal_to<>> users_;
  bool closing_ = false;
  std::function<void()> done_;
};

}  // namespace notifyd::websocket
