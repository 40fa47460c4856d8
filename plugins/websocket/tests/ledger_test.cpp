#include <catch2/catch.hpp>

#include "desktop_user_ledger.hpp"
#include "test_support.hpp"

using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;

TEST_CASE("the ledger knows who holds an unexpired desktop token", "[ledger]") {
  DesktopUserLedger ledger;
  CHECK_FALSE(ledger.holds_token("alice", 100));
  CHECK(ledger.record("alice", 200));
  CHECK(ledger.holds_token("alice", 100));
  CHECK_FALSE(ledger.holds_token("alice", 200));
  CHECK_FALSE(ledger.record("alice", 150));
  CHECK_FALSE(ledger.record("alice", 200));
  CHECK(ledger.record("alice", 300));
  CHECK(ledger.holds_token("alice", 250));
}

TEST_CASE("the ledger survives a restart through its document, without expired entries", "[ledger]") {
  MemoryDocuments store;
  DesktopUserLedger ledger;
  ledger.record("alice", 200);
  ledger.record("bob", 50);
  REQUIRE(ledger.save(store, "users.json", 100));
  CHECK(store.file("users.json") == "{\"alice\":{\"expires_at\":200}}\n");

  store.files["users.json"] = R"({"alice":{"expires_at":200},"bob":{"expires_at":50},"bad name":{"expires_at":900},
                                  "carol":{"expires_at":"soon"},"dave":[]})";
  DesktopUserLedger loaded;
  REQUIRE(loaded.load(store, "users.json", 100));
  CHECK(loaded.holds_token("alice", 100));
  CHECK_FALSE(loaded.holds_token("bob", 40));
  CHECK(loaded.size() == 1);
}

TEST_CASE("a missing ledger is empty; a corrupt one is an error", "[ledger]") {
  MemoryDocuments store;
  DesktopUserLedger ledger;
  CHECK(ledger.load(store, "users.json", 0));
  CHECK(ledger.size() == 0);
  store.files["users.json"] = "[not an object";
  CHECK_FALSE(ledger.load(store, "users.json", 0));
}
