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
