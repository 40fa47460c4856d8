#include <catch2/catch.hpp>

#include "replay.hpp"
#include "replay_receipts.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;

namespace {
std::vector<std::uint64_t> ids(const Replay& replay) {
  std::vector<std::uint64_t> out;
  for (const auto& n : replay.notifications) out.push_back(n.id);
  return out;
}
}  // namespace

TEST_CASE("a replay holds the user's notifications for this channel after since, oldest first", "[replay]") {
  FakeNotifications history;
  const auto seen = history.add("alice", "seen");
  const auto a = history.add("alice", "a");
  history.add("bob", "not alice's");
  history.add("alice", "telegram only", {"bot"});
  const auto b = history.add("alice", "b", {"bot", "desk"});
  auto replay = collect_replay(history, "alice", "desk", seen, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>{a, b});
  CHECK_FALSE(replay->truncated);
  CHECK(replay->coverage.first_id == a);
  CHECK(replay->coverage.last_id == b);
  CHECK(replay->notifications[0].message == "a");
  CHECK(replay->coverage.covers(a));
  CHECK(replay->coverage.covers(a + 1));
  CHECK(replay->coverage.covers(b));
  CHECK(replay->coverage.covers(seen));  // the app said it has it
  CHECK_FALSE(replay->coverage.covers(b + 1));
}

TEST_CASE("a replay with nothing missed covers only what the app has", "[replay]") {
  FakeNotifications history;
  const auto last = history.add("alice", "seen");
  auto replay = collect_replay(history, "alice", "desk", last, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(replay->notifications.empty());
  CHECK_FALSE(replay->truncated);
  CHECK(replay->coverage.covers(last));
  CHECK_FALSE(replay->coverage.covers(last + 1));
}

TEST_CASE("a replay beyond the limit keeps the newest and says it was truncated", "[replay]") {
  FakeNotifications history;
  std::vector<std::uint64_t> all;
  for (int i = 0; i < 1200; ++i) all.push_back(history.add("alice", std::to_string(i)));
  auto replay = collect_replay(history, "alice", "desk", 0, 700, 1 << 20);
  REQUIRE(replay);
  CHECK(replay->truncated);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>(all.end() - 700, all.end()));

  replay = collect_replay(history, "alice", "desk", all[1199 - 600], 700, 1 << 20);
  REQUIRE(replay);
  CHECK_FALSE(replay->truncated);
  CHECK(replay->notifications.size() == 600);

  replay = collect_replay(history, "alice", "desk", 0, 0, 1 << 20);
  REQUIRE(replay);
  CHECK(replay->notifications.empty());
  CHECK(replay->truncated);
}

TEST_CASE("a replay reads a bounded number of history pages", "[replay]") {
  FakeNotifications history;
  history.add("alice", "old, for the desktop");
  for (std::uint32_t i = 0; i < (max_replay_pages + 2) * 500; ++i) history.add("alice", "telegram", {"bot"});
  auto replay = collect_replay(history, "alice", "desk", 0, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(replay->truncated);
  CHECK(history.queries == static_cast<int>(max_replay_pages) + 1);  // and one for the newest id
}

TEST_CASE("a history failure is reported", "[replay]") {
  FakeNotifications history;
  history.fails = true;
  CHECK(collect_replay(history, "alice", "desk", 0, 10, 1 << 20).error() == "database is locked");
}

TEST_CASE("a since above every id the store issued counts as 0 (the store was reset)", "[replay]") {
  FakeNotifications history;
  const auto a = history.add("alice", "a");
  const auto b = history.add("alice", "b");
  auto replay = collect_replay(history, "alice", "desk", b + 1000, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>{a, b});
  CHECK(replay->coverage.acknowledged == 0);

  // Another user's newer notification makes a since between the two valid.
  const auto bobs = history.add("bob", "later");
  replay = collect_replay(history, "alice", "desk", bobs, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(replay->notifications.empty());
  CHECK(replay->coverage.acknowledged == bobs);
}

TEST_CASE("a replay holds a bounded amount of text, the newest first, and no data", "[replay]") {
  FakeNotifications history;
  std::vector<std::uint64_t> all;
  for (int i = 0; i < 10; ++i) all.push_back(history.add("alice", std::string(1000, 'x')));
  auto replay = collect_replay(history, "alice", "desk", 0, 500, 3500);
  REQUIRE(replay);
  CHECK(replay->truncated);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>(all.end() - 2, all.end()));

  // One notification larger than the bound is still replayed on its own.
  replay = collect_replay(history, "alice", "desk", all[8], 500, 10);
  REQUIRE(replay);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>{all[9]});
  CHECK(replay->notifications[0].data_json.empty());
}

TEST_CASE("a replay names the notifications whose delivery here is still pending", "[replay]") {
  FakeNotifications history;
  const auto a = history.add("alice", "a");
  const auto b = history.add("alice", "b", {"bot", "desk"});
  history.set_state(a, "desk", "delivered");
  auto replay = collect_replay(history, "alice", "desk", 0, 500, 1 << 20);
  REQUIRE(replay);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>{a, b});
  CHECK(replay->pending == std::unordered_set<std::uint64_t>{b});
}

TEST_CASE("a replay receipt answers one delivery of that user's notification", "[replay]") {
  ReplayReceipts receipts(3);
  receipts.add("alice", 7);
  CHECK_FALSE(receipts.take("bob", 7));
  CHECK(receipts.take("alice", 7));
  CHECK_FALSE(receipts.take("alice", 7));
  for (std::uint64_t id = 1; id <= 5; ++id) receipts.add("alice", id);
  CHECK(receipts.size() == 3);
  CHECK_FALSE(receipts.take("alice", 1));  // the oldest are forgotten beyond the capacity
  CHECK(receipts.take("alice", 5));
}
