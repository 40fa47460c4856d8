#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::websocket {

/// The per-user connection limit across every replica of a desktop channel:
/// a user has `per_user` numbered slots in `Ephemeral`
/// (`<instance>/connections/<user>/<n>`), each authenticated connection
/// holds one, renewed every third of `ttl` while it lives and given back when
/// it closes; the slots of a replica that died free themselves within `ttl`.
/// Blocking calls (one round trip per slot tried): use from the plugin's
/// executor only. Thread-safe.
class ConnectionSlots {
 public:
  ConnectionSlots(sdk::Ephemeral& keys, std::string instance, std::string replica, std::chrono::milliseconds ttl,
                  std::size_t per_user);

  /// Takes a free slot of `user`'s; its key, or nullopt when all are held.
  sdk::Result<std::optional<std::string>> claim(std::string_view user);
  /// Gives the slot `key` (from `claim`) back.
  void release(const std::string& key);
  /// Gives every slot this replica holds back (the channel stops).
  void release_all();
  /// Renews every slot this replica holds; the first error, if any.
  sdk::Status renew();
  /// Slots this replica holds.
  std::size_t held() const;
  /// How long a slot lives without renewal.
  std::chrono::milliseconds ttl() const noexcept { return ttl_; }

 private:
  sdk::Ephemeral& keys_;
  std::string instance_;
  std::string replica_;
  std::chrono::milliseconds ttl_;
  std::size_t per_user_;
  std::atomic<std::uint64_t> next_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::string> held_;  ///< key -> the value this replica wrote
};

}  // namespace notifyd::websocket
