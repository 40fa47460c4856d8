#pragma once
// One-time sign-in links minted by `notifyctl login` (`auth = "link"`).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "session_store.hpp"

namespace notifyd::webui {

/// A freshly minted link token.
struct MintedLink {
  std::string token;
  std::chrono::system_clock::time_point expires;
};

/// Pending link tokens: each names a user, lives `ttl` (two minutes by
/// default) and opens one session at most. Only a digest of each token is
/// held (and saved). Thread-safe: minted from the socket front-end's strands,
/// redeemed from the dashboard's.
class LoginLinks {
 public:
  /// At most `capacity` tokens are pending at once (the oldest goes first).
  LoginLinks(std::chrono::milliseconds ttl, std::size_t capacity = 1000, WallClock clock = {});

  /// Calls `listener` (from the changing thread, outside the lock) after every
  /// change. Set once, before the links are shared.
  void on_change(std::function<void()> listener) { on_change_ = std::move(listener); }

  /// A new token for `user`.
  MintedLink mint(std::string user);
  /// The user a pending token names, without using it up (the confirmation page).
  std::optional<std::string> peek(std::string_view token) const;
  /// Uses a token up: its user once, then nullopt forever; nullopt when expired.
  std::optional<std::string> redeem(std::string_view token);

  /// The pending links as a JSON array (digests, users, expiry), for saving.
  std::string to_json() const;
  /// Adds the pending links of an array written by `to_json`, within
  /// capacity; entries that are not such links are skipped. Returns how many were added.
  std::size_t restore(const std::string& json_array);

 private:
  struct Pending {
    std::string user;
    std::chrono::system_clock::time_point expires;
  };
  std::chrono::system_clock::time_point now() const;
  void drop_oldest_beyond(std::size_t count);

  const std::chrono::milliseconds ttl_;
  const std::size_t capacity_;
  WallClock clock_;
  std::function<void()> on_change_;
  mutable std::mutex mutex_;
  std::map<std::string, Pending, std::less<>> pending_;  // by token_digest(token, "login-link")
};

}  // namespace notifyd::webui
