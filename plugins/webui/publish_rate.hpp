#pragma once
// How often one API token may publish.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/status.hpp"
#include "session_store.hpp"

namespace notifyd::webui {

/// The limits of `publish_burst` and `publish_per_minute`.
struct PublishRateSettings {
  std::uint64_t burst = 10;       ///< most requests in one 10-second window
  std::uint64_t per_minute = 60;  ///< most requests in one minute
};

/// Counts each token's requests in the replicas' ephemeral keys (fixed
/// windows of 10 s and 1 min, `Ephemeral::count`), so the limits hold for
/// the token over every replica together. Each call is one or two blocking
/// round trips to the keys. Thread-safe.
class PublishRate {
 public:
  /// The windows `burst` and `per_minute` count in.
  static constexpr std::chrono::milliseconds burst_window = std::chrono::seconds(10);
  static constexpr std::chrono::milliseconds minute_window = std::chrono::minutes(1);

  PublishRate(sdk::Ephemeral& keys, std::string instance, PublishRateSettings settings, WallClock clock = {});

  /// Counts one request of token `token_id`: nullopt when it may go, else
  /// how long to wait (whole seconds, at least 1) before the window it
  /// exceeded ends.
  sdk::Result<std::optional<std::chrono::seconds>> admit(std::string_view token_id);

 private:
  std::chrono::seconds left_in(std::chrono::milliseconds window) const;

  sdk::Ephemeral& keys_;
  const std::string prefix_;
  const PublishRateSettings settings_;
  WallClock clock_;
};

}  // namespace notifyd::webui
