#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <sys/types.h>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::socket_api {

class SocketSession;

/// How many connections the front-end serves, and how they are shared.
struct ConnectionLimits {
  std::size_t total = 256;     ///< every session
  std::size_t per_user = 32;   ///< one ordinary Unix user's sessions
  std::size_t reserved = 16;   ///< of `total`, only for privileged callers (root, the admin group)
};

/// Why a connection is refused.
enum class Refusal { none, server_full, user_full };

/// The sessions of one front-end, held weakly so that `stop` can close them
/// and learn when the last one is gone. Counted per Unix user, so that one
/// user holding many connections exhausts only its own share. Sessions add themselves when they
/// start and remove themselves in their destructor, each on its own strand:
/// every member is thread-safe.
class SessionRegistry {
 public:
  /// `connections` is the gauge that mirrors the number of sessions.
  explicit SessionRegistry(sdk::Gauge& connections) noexcept : connections_(connections) {}

  /// Whether a new connection from `uid` may start a session under `limits`:
  /// an ordinary user is refused at `per_user` sessions of its own or when
  /// only the reserve is left; a privileged caller only when all `total` are in use.
  Refusal admit(uid_t uid, bool privileged, const ConnectionLimits& limits) const;
  /// Adds a session of `uid`; false once `close_all` has been called (the session must not start).
  bool add(const std::shared_ptr<SocketSession>& session, uid_t uid);
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
  struct Entry {
    std::weak_ptr<SocketSession> session;
    uid_t uid = 0;
  };
  std::unordered_map<const SocketSession*, Entry> sessions_;
  std::unordered_map<uid_t, std::size_t> per_user_;
  bool closing_ = false;
  std::function<void()> done_;
};

}  // namespace notifyd::socket_api
