#pragma once

#include <chrono>
#include <mutex>

#include "notifyd/sdk/fence.hpp"

namespace notifyd::core {

/// What one lease campaign tells every thread about its holding: the fence,
/// and the moment (by this process's steady clock) the holding stops
/// counting as held, whether or not the campaign has noticed yet. Once
/// closed, it never holds again. Thread-safe.
class LeaseHolding {
 public:
  using Clock = std::chrono::steady_clock;

  /// A new holding named `fence`, held until `until`.
  void begin(sdk::Fence fence, Clock::time_point until) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    fence_ = std::move(fence);
    until_ = until;
  }
  /// The holding lasts until `until` (a renewal succeeded).
  void extend(Clock::time_point until) {
    std::lock_guard lock(mutex_);
    until_ = until;
  }
  /// The holding is over.
  void end() {
    std::lock_guard lock(mutex_);
    fence_ = {};
  }
  /// The holding is over and none begins again (the campaign stopped).
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    fence_ = {};
  }

  /// The holding's fence while it is held now, else an empty fence.
  sdk::Fence fence() const {
    std::lock_guard lock(mutex_);
    return fence_ && Clock::now() < until_ ? fence_ : sdk::Fence{};
  }
  /// True while a holding is held now.
  bool held() const { return static_cast<bool>(fence()); }
  /// True while `fence` names the holding held now.
  bool holds(const sdk::Fence& fence) const { return fence && this->fence() == fence; }

 private:
  mutable std::mutex mutex_;
  sdk::Fence fence_;
  Clock::time_point until_;
  bool closed_ = false;
};

}  // namespace notifyd::core
