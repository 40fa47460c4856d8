#pragma once

#include <chrono>

namespace notifyd::telegram {

/// A token bucket: `rate` tokens per second up to `capacity`, starting full.
/// Not thread-safe; the caller passes the time, so tests control it.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  /// What a take makes of the time the bucket stood full before it.
  enum class Lateness {
    lost,      ///< nothing: the next token comes one interval after the take
    made_up,   ///< up to one interval: a taker that woke a little late (a
               ///< busy machine) keeps the bucket's pace instead of slowing it
  };

  TokenBucket(double rate, double capacity, TimePoint now, Lateness lateness = Lateness::lost) noexcept;

  /// Tokens available at `now` (a fraction while refilling).
  double available(TimePoint now) const noexcept;
  /// Takes one token when one is available.
  bool try_take(TimePoint now) noexcept;
  /// How long until `count` tokens have been available one after another
  /// (0 when they are now); counts past the capacity are paced at the rate.
  Clock::duration time_until(double count, TimePoint now) const noexcept;
  /// Empties the bucket and lets nothing refill before `until` (a 429's retry_after).
  void hold_until(TimePoint until) noexcept;
  /// True when the bucket is full at `now` (nothing of it is worth remembering).
  bool full(TimePoint now) const noexcept { return available(now) >= capacity_; }

 private:
  double rate_;
  double capacity_;
  Lateness lateness_;
  double tokens_;
  TimePoint last_;
};

}  // namespace notifyd::telegram
