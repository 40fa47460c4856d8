#include "token_bucket.hpp"

#include <algorithm>

namespace notifyd::telegram {

TokenBucket::TokenBucket(double rate, double capacity, TimePoint now, Lateness lateness) noexcept
    : rate_(rate > 0 ? rate : 1e-9), capacity_(std::max(capacity, 1.0)), lateness_(lateness), tokens_(capacity_),
      last_(now) {}

double TokenBucket::available(TimePoint now) const noexcept {
  if (now <= last_) return tokens_;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  return std::min(capacity_, tokens_ + elapsed * rate_);
}

bool TokenBucket::try_take(TimePoint now) noexcept {
  const double tokens = available(now);
  if (tokens < 1.0) return false;
  double kept = 0;
  if (lateness_ == Lateness::made_up && now > last_) {
    // What refilled past the capacity; kept when the bucket stood full for
    // less than one token's time (the taker woke late, it was not idle).
    const double overflow = tokens_ + std::chrono::duration<double>(now - last_).count() * rate_ - capacity_;
    if (overflow > 0 && overflow < 1.0) kept = overflow;
  }
  tokens_ = tokens - 1.0 + kept;
  last_ = std::max(last_, now);
  return true;
}

TokenBucket::Clock::duration TokenBucket::time_until(double count, TimePoint now) const noexcept {
  const double missing = count - available(now);
  const auto wait_for_hold = now < last_ ? last_ - now : Clock::duration::zero();
  if (missing <= 0) return wait_for_hold;
  const auto refill = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(missing / rate_));
  return wait_for_hold + refill;
}

void TokenBucket::hold_until(TimePoint until) noexcept {
  tokens_ = 0;
  last_ = std::max(last_, until);
}

}  // namespace notifyd::telegram
