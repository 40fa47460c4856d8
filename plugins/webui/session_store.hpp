#pragma once
// Signed-in browser sessions: who, until when, and the CSRF token of each.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::webui {

/// Wall-clock time as the dashboard reads it; tests inject their own.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// One signed-in browser.
struct LoginSession {
  std::string id;          ///< the cookie value: 32 random bytes, base64url
  std::string user;
  std::string csrf_token;  ///< must accompany every state-changing request
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point expires;
};

/// The sessions of one dashboard, in memory (a restart signs everyone out).
/// Thread-safe: connections on different strands use it at once.
class SessionStore {
 public:
  /// Sessions last `ttl`; at most `capacity` are kept (the oldest goes first).
  SessionStore(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock = {});

  /// Opens a session for `user` with fresh random id and CSRF token.
  LoginSession create(std::string user);
  /// The live session with cookie value `id`; nullopt when unknown or expired.
  std::optional<LoginSession> find(std::string_view id) const;
  /// Ends a session (logout); false when it did not exist.
  bool remove(std::string_view id);
  /// Live and expired sessions held now.
  std::size_t size() const;
  /// How long a session lasts.
  std::chrono::milliseconds ttl() const noexcept { return ttl_; }

 private:
  std::chrono::system_clock::time_point now() const;
  void drop_expired(std::chrono::system_clock::time_point now);

  const std::chrono::milliseconds ttl_;
  const std::size_t capacity_;
  WallClock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, LoginSession, std::less<>> sessions_;
  std::multimap<std::chrono::system_clock::time_point, std::string> by_expiry_;
};

}  // namespace notifyd::webui
