#pragma once
// One-time sign-in links minted by `notifyctl login` (`auth = "link"`).

#include <chrono>
#include <cstddef>
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
/// default) and opens one session at most. Thread-safe: minted from the
/// socket front-end's strands, redeemed from the dashboard's.
class LoginLinks {
 public:
  /// At most `capacity` tokens are pending at once (the oldest goes first).
  LoginLinks(std::chrono::milliseconds ttl, std::size_t capacity = 1000, WallClock clock = {});

  /// A new token for `user`.
  MintedLink mint(std::string user);
  /// The user a pending token names, without using it up (the confirmation page).
  std::optional<std::string> peek(std::string_view token) const;
  /// Uses a token up: its user once, then nullopt forever; nullopt when expired.
  std::optional<std::string> redeem(std::string_view token);

 private:
  struct Pending {
    std::string user;
    std::chrono::system_clock::time_point expires;
  };
  std::chrono::system_clock::time_point now() const;

  const std::chrono::milliseconds ttl_;
  const std::size_t capacity_;
  WallClock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Pending, std::less<>> pending_;
};

}  // namespace notifyd::webui
