#include <catch2/catch.hpp>

#include "token_bucket.hpp"

using namespace notifyd::telegram;
using namespace std::chrono_literals;

TEST_CASE("a bucket gives its burst, then paces at its rate", "[token_bucket]") {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(2.0, 3, t0);
  CHECK(bucket.try_take(t0));
  CHECK(bucket.try_take(t0));
  CHECK(bucket.try_take(t0));
  CHECK_FALSE(bucket.try_take(t0));
  CHECK(bucket.time_until(1, t0) == 500ms);
  CHECK(bucket.time_until(3, t0) == 1500ms);
  CHECK_FALSE(bucket.try_take(t0 + 499ms));
  CHECK(bucket.try_take(t0 + 500ms));
  CHECK(bucket.available(t0 + 10s) == Approx(3.0));
  CHECK(bucket.full(t0 + 10s));
}

TEST_CASE("a hold empties the bucket until it ends", "[token_bucket]") {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket bucket(1.0, 3, t0);
  bucket.hold_until(t0 + 5s);
  CHECK_FALSE(bucket.try_take(t0 + 4s));
  CHECK(bucket.time_until(1, t0) == 6s);
  CHECK_FALSE(bucket.try_take(t0 + 5s));
  CHECK(bucket.try_take(t0 + 6s));
}

TEST_CASE("a bucket that makes up lateness keeps its pace for a taker that wakes late, not for one that idled",
          "[token_bucket]") {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket paced(10.0, 1, t0, TokenBucket::Lateness::made_up);
  TokenBucket strict(10.0, 1, t0);
  for (auto* bucket : {&paced, &strict}) REQUIRE(bucket->try_take(t0));
  // Both refill at t0 + 100 ms; the taker comes 30 ms late.
  for (auto* bucket : {&paced, &strict}) REQUIRE(bucket->try_take(t0 + 130ms));
  CHECK(paced.time_until(1, t0 + 130ms) == 70ms);  // the next one on the pace: t0 + 200 ms
  CHECK(strict.time_until(1, t0 + 130ms) == 100ms);
  // Ten late takes in a row take no longer than the pace allows.
  auto now = t0 + 200ms;
  for (int i = 0; i < 10; ++i) {
    now += paced.time_until(1, now) + 20ms;
    REQUIRE(paced.try_take(now));
  }
  CHECK(now <= t0 + 1200ms + 20ms);
  // After standing full for a whole interval or more nothing is kept: no burst beyond the capacity.
  const auto idle = now + 1s;
  REQUIRE(paced.try_take(idle));
  CHECK_FALSE(paced.try_take(idle));
  CHECK(paced.time_until(1, idle) == 100ms);
}
