#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "verify_attempts.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::MemoryDocuments;
using namespace std::chrono_literals;

TEST_CASE("five failures in ten minutes lock a user out until the oldest ages", "[verify_attempts]") {
  MemoryDocuments documents;
  VerifyAttempts attempts(documents, "attempts.json", 5, 10min);
  const auto t0 = VerifyAttempts::Clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) {
    CHECK(attempts.allowed("alice", t0 + std::chrono::minutes(i)));
    CHECK(attempts.failed("alice", t0 + std::chrono::minutes(i)).ok);
  }
  CHECK_FALSE(attempts.allowed("alice", t0 + 5min));
  CHECK(attempts.allowed("bob", t0 + 5min));
  CHECK(attempts.retry_in("alice", t0 + 5min) == 5min);
  CHECK(attempts.allowed("alice", t0 + 10min));
  CHECK(attempts.retry_in("alice", t0 + 10min) == 0ms);
}

TEST_CASE("failures are saved, so a new instance (reload, restart) keeps the limit", "[verify_attempts]") {
  MemoryDocuments documents;
  const auto t0 = VerifyAttempts::Clock::time_point{} + 1000h;
  {
    VerifyAttempts attempts(documents, "attempts.json", 5, 10min);
    REQUIRE(attempts.load().ok);
    for (int i = 0; i < 5; ++i) REQUIRE(attempts.failed("alice", t0 + std::chrono::seconds(i)).ok);
  }
  VerifyAttempts again(documents, "attempts.json", 5, 10min);
  REQUIRE(again.load().ok);
  CHECK_FALSE(again.allowed("alice", t0 + 1min));
  CHECK(again.retry_in("alice", t0 + 1min) == 9min);
  CHECK(again.allowed("alice", t0 + 10min + 1s));
}

TEST_CASE("a corrupt attempts file is reported and read as no failures", "[verify_attempts]") {
  MemoryDocuments documents;
  documents.files["attempts.json"] = "{not json";
  VerifyAttempts attempts(documents, "attempts.json", 5, 10min);
  const auto status = attempts.load();
  CHECK_FALSE(status.ok);
  CHECK(status.message.find("attempts.json") != std::string::npos);
  CHECK(attempts.allowed("alice", VerifyAttempts::Clock::time_point{} + 1h));
}

TEST_CASE("a failure that cannot be saved still counts", "[verify_attempts]") {
  MemoryDocuments documents;
  documents.fail_writes = true;
  VerifyAttempts attempts(documents, "attempts.json", 1, 10min);
  const auto t0 = VerifyAttempts::Clock::time_point{} + 1h;
  CHECK_FALSE(attempts.failed("alice", t0).ok);
  CHECK_FALSE(attempts.allowed("alice", t0));
}
