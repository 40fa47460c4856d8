// Slot claims between replicas over one set of shared keys: one winner per
// slot, a claimer that stopped mid-run replaced exactly once, host groups apart.
#include <catch2/catch.hpp>

#include <thread>

#include "notifyd/testing/fake_coordination.hpp"
#include "slot_claims.hpp"

using namespace notifyd;
using namespace notifyd::cron;

namespace {

constexpr std::chrono::milliseconds ttl{200};
const CheckKey tick{"alice", "tick"};
constexpr std::int64_t slot = 1796000000;

void outlive_a_claim() { std::this_thread::sleep_for(ttl + std::chrono::milliseconds(50)); }

}  // namespace

TEST_CASE("one replica of a host group wins a slot; the others see it running, then done") {
  testing::MemoryEphemeral keys;
  SlotClaims a(keys, "group-1", "a:1", ttl), b(keys, "group-1", "b:2", ttl);
  REQUIRE(a.claim(tick, slot).value());
  CHECK_FALSE(b.claim(tick, slot).value());
  CHECK(keys.get("cron-slot/group-1/alice/tick/1796000000").value() == std::optional<std::string>("run a:1"));
  CHECK(b.look(tick, slot).value() == SlotLook::running);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(ttl / 2);
    REQUIRE(a.renew(tick, slot).ok);
  }
  CHECK(b.look(tick, slot).value() == SlotLook::running);
  REQUIRE(a.finish(tick, slot).ok);
  CHECK(b.look(tick, slot).value() == SlotLook::finished);
  outlive_a_claim();
  CHECK_FALSE(b.claim(tick, slot).value());
  CHECK(b.look(tick, slot).value() == SlotLook::finished);
  CHECK(a.claim(tick, slot + 60).value());
}

TEST_CASE("a claimer that stopped mid-run is replaced once, by one of the replicas that look") {
  testing::MemoryEphemeral keys;
  SlotClaims a(keys, "group-1", "a:1", ttl), b(keys, "group-1", "b:2", ttl), c(keys, "group-1", "c:3", ttl);
  REQUIRE(a.claim(tick, slot).value());
  outlive_a_claim();
  CHECK(b.look(tick, slot).value() == SlotLook::replace);
  CHECK(c.look(tick, slot).value() == SlotLook::running);
  CHECK(keys.get("cron-slot/group-1/alice/tick/1796000000").value() == std::optional<std::string>("run b:2"));

  SECTION("the replacement finishes") {
    REQUIRE(b.finish(tick, slot).ok);
    CHECK(c.look(tick, slot).value() == SlotLook::finished);
  }
  SECTION("the replacement stops too: nobody runs the slot a third time") {
    outlive_a_claim();
    CHECK(c.look(tick, slot).value() == SlotLook::replaced_elsewhere);
    CHECK_FALSE(keys.get("cron-slot/group-1/alice/tick/1796000000").value().has_value());
  }
}

TEST_CASE("a claim given up is run by a replica that lost it") {
  testing::MemoryEphemeral keys;
  SlotClaims a(keys, "group-1", "a:1", ttl), b(keys, "group-1", "b:2", ttl);
  REQUIRE(a.claim(tick, slot).value());
  REQUIRE(a.abandon(tick, slot).ok);
  CHECK(b.look(tick, slot).value() == SlotLook::replace);
}

TEST_CASE("replicas of different host groups never share a claim") {
  testing::MemoryEphemeral keys;
  SlotClaims a(keys, "group-1", "a:1", ttl), other(keys, "group-2", "d:4", ttl);
  CHECK(a.claim(tick, slot).value());
  CHECK(other.claim(tick, slot).value());
}

TEST_CASE("a done mark outlives the claims by far") {
  testing::MemoryEphemeral keys;
  CHECK(SlotClaims(keys, "g", "a:1", std::chrono::seconds(10)).done_ttl() == std::chrono::minutes(10));
  CHECK(SlotClaims(keys, "g", "a:1", std::chrono::minutes(5)).done_ttl() == std::chrono::minutes(20));
}
