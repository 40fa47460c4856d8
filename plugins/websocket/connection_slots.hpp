#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The per-user connection limit across every replica of a desktop channel:
/// a user has `per_user` numbered slots in `Ephemeral`
/// (`<instance>/connections/<user>/<n>`, valued `<replica>#<serial>`); each
/// authenticated connection holds one and gives it back when it closes. A
/// slot counts while its replica is live (`set_live_replicas`, from the
/// roster): a claim that finds all of a user's slots held takes over those
/// of replicas that left it. Liveness comes from the roster, not from the
/// keys' expiry, so the keys live long (`key_ttl`) and are renewed rarely.
/// Blocking calls (one round trip per slot tried): use from the plugin's
/// executor only, except `renew`. Thread-safe.
class ConnectionSlots {
 public:
  /// How long a slot key lives without renewal.
  static constexpr std::chrono::minutes key_ttl{60};

  ConnectionSlots(sdk::Ephemeral& keys, std::string instance, std::string replica, std::size_t per_user);

  /// Takes a free slot of `user`'s, or one held by a replica that is not
  /// live; its key, or nullopt when all are held.
  sdk::Result<std::optional<std::string>> claim(std::string_view user);
  /// The replicas live now (read from the roster). Until it is first told,
  /// every replica counts as live.
  void set_live_replicas(std::set<std::string> replicas);
  /// Gives the slot `key` (from `claim`) back.
  void release(const std::string& key);
  /// Gives every slot this replica holds back (the channel stops).
  void release_all();
  /// Renews every slot this replica holds, once a third of `key_ttl` has
  /// passed since the last renewal; the first error, if any. Any thread.
  sdk::Status renew();
  /// Slots this replica holds.
  std::size_t held() const;

 private:
  sdk::Ephemeral& keys_;
  std::string instance_;
  std::string replica_;
  std::size_t per_user_;
  std::atomic<std::uint64_t> next_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::string> held_;           ///< key -> the value this replica wrote
  std::optional<std::set<std::string>> live_;         ///< under mutex_
  std::chrono::steady_clock::time_point renewed_at_;  ///< under mutex_

};

}  // namespace notifyd::websocket
