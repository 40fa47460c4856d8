#pragma once
// One-time sign-in links minted by `notifyctl login` (`auth = "link"`).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"
#include "session_store.hpp"

namespace notifyd::webui {

/// A freshly minted link token.
struct MintedLink {
  std::string token;
  std::chrono::system_clock::time_point expires;
};

/// Pending link tokens of one dashboard, in the replicas' ephemeral keys:
/// each names a user, lives `ttl` (two minutes by default) and opens one
/// session at most, whichever replica redeems it (`Ephemeral::take`). A key
/// is a digest of the token, never the token. Each call is one blocking
/// round trip to the keys. Thread-safe.
class LoginLinks {
 public:
  /// At most this many links per user are minted in one minute.
  static constexpr std::uint64_t mints_per_minute = 20;

  LoginLinks(sdk::Ephemeral& keys, std::string instance, std::chrono::milliseconds ttl, WallClock clock = {});

  /// A new token for `user`; nullopt when `user` minted `mints_per_minute`
  /// links in this minute already (on any replica).
  sdk::Result<std::optional<MintedLink>> mint(const std::string& user);
  /// The user a pending token names, without using it up (the confirmation page).
  sdk::Result<std::optional<std::string>> peek(std::string_view token) const;
  /// Uses a token up: its user once, on one replica, then nullopt forever; nullopt when expired.
  sdk::Result<std::optional<std::string>> redeem(std::string_view token);

  /// Keeps a link saved by an earlier notifyd, known by the digest of its
  /// token, unless it expired or its digest is taken (false then); never
  /// longer than `ttl` from now.
  sdk::Result<bool> adopt(std::string_view digest, const std::string& user, std::chrono::system_clock::time_point expires);

 private:
  std::chrono::system_clock::time_point now() const;
  std::string key_of(std::string_view token) const;
  std::string key_of_digest(std::string_view digest) const;
  /// The user of a stored link value when it has not expired.
  std::optional<std::string> live_user(const std::string& value) const;

  sdk::Ephemeral& keys_;
  const std::string prefix_;
  const std::chrono::milliseconds ttl_;
  WallClock clock_;
};

}  // namespace notifyd::webui
