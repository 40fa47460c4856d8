#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "notifyd/sdk/coordination.hpp"

namespace notifyd::core {

/// `sdk::Ephemeral` in this process (`[cluster] backend = "local"`): keys and
/// counters in memory under one mutex, so `take` has exactly one winner among
/// any number of threads. Expired entries are swept as the map grows; at most
/// `max_entries` live keys and as many counters are kept, and a put beyond
/// that is refused. `LocalCoordination` carries the live keys and counters
/// over a reload or a clean restart with `snapshot` and `restore`, as the
/// database does for `"postgres"` (a dashboard's sessions stay signed in).
class LocalEphemeral final : public sdk::Ephemeral {
 public:
  /// Largest key and value accepted.
  static constexpr std::size_t max_key_bytes = 1024;
  static constexpr std::size_t max_value_bytes = 64 * 1024;

  explicit LocalEphemeral(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

  sdk::Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept override;
  sdk::Result<bool> put_if_absent(std::string_view key, std::string_view value,
                                  std::chrono::milliseconds ttl) noexcept override;
  sdk::Result<std::optional<std::string>> get(std::string_view key) const noexcept override;
  sdk::Result<std::optional<std::string>> take(std::string_view key) noexcept override;
  sdk::Status remove(std::string_view key) noexcept override;
  sdk::Result<std::uint64_t> count(std::string_view key, std::chrono::milliseconds window,
                                   std::uint64_t amount = 1) noexcept override;

  /// The live keys and counters as JSON, their ends in wall-clock time.
  std::string snapshot() const;
  /// Adds the live keys and counters of a `snapshot`, within the bounds;
  /// false when `json` is not a snapshot (nothing is added then).
  bool restore(std::string_view json);

 private:
  using Clock = std::chrono::steady_clock;
  struct Value {
    std::string value;
    Clock::time_point expires;
  };
  struct Counter {
    std::int64_t window_start_ms = 0;  ///< wall-clock start of the counted window
    std::int64_t window_end_ms = 0;
    std::uint64_t total = 0;
  };

  /// Why `key`, `value` or `ttl` cannot be stored; empty when they can.
  static std::string refusal(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
  /// Makes room for one more value (sweeping expired ones); false when full. Under `mutex_`.
  bool room_for_value(Clock::time_point now);
  void sweep_counters(std::int64_t now_ms);

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, Counter> counters_;
  std::size_t values_at_last_sweep_ = 0;
  std::size_t counters_at_last_sweep_ = 0;
};

}  // namespace notifyd::core
