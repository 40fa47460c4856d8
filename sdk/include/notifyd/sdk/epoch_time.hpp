#pragma once
// Wall-clock time points as the Unix epoch milliseconds notifyd stores and
// sends (`sdk::now_epoch_ms()` in utc_time.hpp is the current one).

#include <chrono>
#include <cstdint>

namespace notifyd::sdk {

/// The wall-clock instant `at` in Unix epoch milliseconds (truncated).
constexpr std::int64_t epoch_ms_of(std::chrono::system_clock::time_point at) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

/// The wall-clock instant `epoch_ms` Unix epoch milliseconds stand for.
constexpr std::chrono::system_clock::time_point time_point_of_epoch_ms(std::int64_t epoch_ms) noexcept {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms));
}

}  // namespace notifyd::sdk
