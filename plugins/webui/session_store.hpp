#pragma once
// Signed-in browser sessions: who, until when, and the CSRF token of each.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::webui {

/// Wall-clock time as the dashboard reads it; tests inject their own.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// One signed-in browser.
struct LoginSession {
  std::string id;          ///< the cookie value: 32 random bytes, base64url
  std::string user;
  std::string csrf_token;  ///< must accompany every state-changing request; derived from the id
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point expires;
};

/// The sessions of one dashboard, in the replicas' ephemeral keys: any
/// replica finds a session another opened, and a logout ends it on every
/// replica at once (every lookup reads the shared keys). A key is a digest of
/// the session id, never the id; the CSRF token is derived from the id the
/// browser presents. Each call is one or two blocking round trips to the keys
/// (see `sdk::Ephemeral`). Thread-safe.
class SessionStore {
 public:
  /// Sessions of dashboard `instance` last `ttl`; of the sessions opened, the
  /// latest `capacity` are valid (the oldest goes first), on all replicas together.
  SessionStore(sdk::Ephemeral& keys, std::string instance, std::chrono::milliseconds ttl, std::size_t capacity,
               WallClock clock = {});

  /// Opens a session for `user` with a fresh random id.
  sdk::Result<LoginSession> create(std::string user);
  /// The live session with cookie value `id`; nullopt when unknown, expired or beyond capacity.
  sdk::Result<std::optional<LoginSession>> find(std::string_view id) const;
  /// Ends a session (logout) on every replica; false when it did not exist.
  sdk::Result<bool> remove(std::string_view id);
  /// How long a session lasts.
  std::chrono::milliseconds ttl() const noexcept { return ttl_; }

  /// Keeps a session saved by an earlier notifyd, known by the digest of its
  /// id, unless it expired or its digest is taken (false then); never longer
  /// than `ttl` from `created`.
  sdk::Result<bool> adopt(std::string_view digest, std::string user, std::chrono::system_clock::time_point created,
                    std::chrono::system_clock::time_point expires);

 private:
  std::chrono::system_clock::time_point now() const;
  std::string key_of(std::string_view id) const;
  std::string key_of_digest(std::string_view digest) const;

  sdk::Ephemeral& keys_;
  const std::string prefix_;
  const std::chrono::milliseconds ttl_;
  const std::uint64_t capacity_;
  WallClock clock_;
};

}  // namespace notifyd::webui
