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
  std::string csrf_token;  ///< must accompany every state-changing request; derived from the id
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point expires;
};

/// The sessions of one dashboard. Only a digest of each id is held (and
/// saved), so the saved state opens no session; the CSRF token is derived
/// from the id the browser presents. Thread-safe: connections on different
/// strands use it at once.
class SessionStore {
 public:
  /// Sessions last `ttl`; at most `capacity` are kept (the oldest goes first).
  SessionStore(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock = {});

  /// Calls `listener` (from the changing thread, outside the lock) after every
  /// change. Set once, before the store is shared.
  void on_change(std::function<void()> listener) { on_change_ = std::move(listener); }

  /// Opens a session for `user` with a fresh random id.
  LoginSession create(std::string user);
  /// The live session with cookie value `id`; nullopt when unknown or expired.
  std::optional<LoginSession> find(std::string_view id) const;
  /// Ends a session (logout); false when it did not exist.
  bool remove(std::string_view id);
  /// Live and expired sessions held now.
  std::size_t size() const;
  /// How long a session lasts.
  std::chrono::milliseconds ttl() const noexcept { return ttl_; }

  /// The live sessions as a JSON array (digests, users, times), for saving.
  std::string to_json() const;
  /// Adds the live sessions of an array written by `to_json`, within
  /// capacity; entries that are not such sessions are skipped. Returns how many were added.
  std::size_t restore(const std::string& json_array);

 private:
  struct Entry {
    std::string user;
    std::chrono::system_clock::time_point created;
    std::chrono::system_clock::time_point expires;
  };
  std::chrono::system_clock::time_point now() const;
  void drop_expired(std::chrono::system_clock::time_point now);
  void drop_oldest_beyond(std::size_t count);
  void insert(std::string digest, Entry entry);
  void changed() const;

  const std::chrono::milliseconds ttl_;
  const std::size_t capacity_;
  WallClock clock_;
  std::function<void()> on_change_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> sessions_;  // by token_digest(id, "session")
  std::multimap<std::chrono::system_clock::time_point, std::string> by_expiry_;
};

}  // namespace notifyd::webui
