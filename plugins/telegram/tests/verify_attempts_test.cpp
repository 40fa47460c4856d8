#include <catch2/catch.hpp>

#include <thread>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "test_support.hpp"
#include "verify_attempts.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::MemoryDocuments;
using notifyd::testing::MemoryEphemeral;
using namespace std::chrono_literals;

namespace {

// Takes and fails attempts of `user` until one is refused; the number that got a slot.
int fail_until_refused(VerifyAttempts& attempts, const std::string& user, VerifyAttempts::Clock::time_point now) {
  for (int taken = 0; taken < 100; ++taken) {
    auto attempt = attempts.begin(user, now);
    REQUIRE(attempt.ok());
    if (!attempt.value().slot) return taken;
  }
  return -1;
}

}  // namespace

TEST_CASE("five failures in the window lock a user out until the oldest ages", "[verify_attempts]") {
  MemoryEphemeral keys;
  VerifyAttempts attempts(keys, "bot", 5, 10min);
  const auto t0 = VerifyAttempts::Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto attempt = attempts.begin("alice", t0 + std::chrono::minutes(i));
    REQUIRE(attempt.ok());
    CHECK(attempt.value().slot == static_cast<std::uint32_t>(i));
  }
  auto refused = attempts.begin("alice", t0 + 5min);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused.value().slot);
  CHECK(refused.value().retry_in == 5min);
  auto bob = attempts.begin("bob", t0 + 5min);
  REQUIRE(bob.ok());
  CHECK(bob.value().slot == 0u);
}

TEST_CASE("an attempt that did not fail gives its slot back", "[verify_attempts]") {
  MemoryEphemeral keys;
  VerifyAttempts attempts(keys, "bot", 2, 10min);
  const auto now = VerifyAttempts::Clock::now();
  for (int i = 0; i < 10; ++i) {
    auto attempt = attempts.begin("alice", now);
    REQUIRE(attempt.ok());
    REQUIRE(attempt.value().slot);
    REQUIRE(attempts.succeeded("alice", *attempt.value().slot).ok);
  }
  CHECK(fail_until_refused(attempts, "alice", now) == 2);
}

TEST_CASE("the replicas share the limit: failures through either count for both", "[verify_attempts]") {
  MemoryEphemeral keys;  // what every replica sees
  VerifyAttempts first(keys, "bot", 5, 10min);
  VerifyAttempts second(keys, "bot", 5, 10min);
  const auto now = VerifyAttempts::Clock::now();
  for (int i = 0; i < 3; ++i) REQUIRE(first.begin("alice", now).value().slot);
  CHECK(fail_until_refused(second, "alice", now) == 2);
  CHECK_FALSE(first.begin("alice", now).value().slot);
  VerifyAttempts other_bot(keys, "other", 5, 10min);
  CHECK(other_bot.begin("alice", now).value().slot);
}

TEST_CASE("a failure frees its slot when the window has passed", "[verify_attempts]") {
  MemoryEphemeral keys;
  VerifyAttempts attempts(keys, "bot", 1, 200ms);
  REQUIRE(attempts.begin("alice", VerifyAttempts::Clock::now()).value().slot);
  const auto refused = attempts.begin("alice", VerifyAttempts::Clock::now());
  REQUIRE_FALSE(refused.value().slot);
  CHECK(refused.value().retry_in <= 200ms);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool freed = false;
  while (!freed && std::chrono::steady_clock::now() < deadline) {
    freed = attempts.begin("alice", VerifyAttempts::Clock::now()).value().slot.has_value();
    if (!freed) std::this_thread::sleep_for(20ms);
  }
  CHECK(freed);
}

TEST_CASE("failures an older version kept in its attempts file are carried over once", "[verify_attempts]") {
  MemoryDocuments documents;
  MemoryEphemeral keys;
  notifyd::testing::FakeLogger log;
  VerifyAttempts attempts(keys, "bot", 5, 10min);
  const auto now = VerifyAttempts::Clock::now();
  const auto ms = [&](auto ago) { return std::to_string(notifyd::sdk::epoch_ms_of(now - ago)); };
  documents.files["attempts.json"] =
      R"({"alice": [)" + ms(1min) + "," + ms(2min) + "," + ms(3min) + "," + ms(11min) + R"(], "bob": [)" + ms(20min) + "]}";
  import_attempts_file(documents, "attempts.json", attempts, now, log);
  CHECK_FALSE(documents.files.contains("attempts.json"));
  CHECK(fail_until_refused(attempts, "alice", now) == 2);
  CHECK(fail_until_refused(attempts, "bob", now) == 5);
}

TEST_CASE("a corrupt attempts file is reported and removed", "[verify_attempts]") {
  MemoryDocuments documents;
  MemoryEphemeral keys;
  notifyd::testing::FakeLogger log;
  VerifyAttempts attempts(keys, "bot", 5, 10min);
  documents.files["attempts.json"] = "{not json";
  import_attempts_file(documents, "attempts.json", attempts, VerifyAttempts::Clock::now(), log);
  CHECK_FALSE(documents.files.contains("attempts.json"));
  CHECK(fail_until_refused(attempts, "alice", VerifyAttempts::Clock::now()) == 5);
}
