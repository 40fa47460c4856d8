#include <catch2/catch.hpp>

#include "verify_attempts.hpp"

using namespace notifyd::telegram;
using namespace std::chrono_literals;

TEST_CASE("five failures in ten minutes lock a user out until the oldest ages", "[verify_attempts]") {
  VerifyAttempts attempts(5, 10min);
  const auto t0 = VerifyAttempts::Clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) {
    CHECK(attempts.allowed("alice", t0 + std::chrono::minutes(i)));
    attempts.failed("alice", t0 + std::chrono::minutes(i));
  }
  CHECK_FALSE(attempts.allowed("alice", t0 + 5min));
  CHECK(attempts.allowed("bob", t0 + 5min));
  CHECK(attempts.retry_in("alice", t0 + 5min) == 5min);
  CHECK(attempts.allowed("alice", t0 + 10min));
  CHECK(attempts.retry_in("alice", t0 + 10min) == 0ms);
}
