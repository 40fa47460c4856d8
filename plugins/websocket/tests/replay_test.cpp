#include <catch2/catch.hpp>

#include "replay.hpp"
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
  auto replay = collect_replay(history, "alice", "desk", seen, 500);
  REQUIRE(replay);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>{a, b});
  CHECK_FALSE(replay->truncated);
  CHECK(replay->first_id == a);
  CHECK(replay->last_id == b);
  CHECK(replay->notifications[0].message == "a");
  CHECK(replay->covers(a));
  CHECK(replay->covers(a + 1));
  CHECK(replay->covers(b));
  CHECK_FALSE(replay->covers(seen));
  CHECK_FALSE(replay->covers(b + 1));
}

TEST_CASE("a replay with nothing missed covers nothing", "[replay]") {
  FakeNotifications history;
  const auto last = history.add("alice", "seen");
  auto replay = collect_replay(history, "alice", "desk", last, 500);
  REQUIRE(replay);
  CHECK(replay->notifications.empty());
  CHECK_FALSE(replay->truncated);
  CHECK_FALSE(replay->covers(last));
  CHECK_FALSE(replay->covers(last + 1));
}

TEST_CASE("a replay beyond the limit keeps the newest and says it was truncated", "[replay]") {
  FakeNotifications history;
  std::vector<std::uint64_t> all;
  for (int i = 0; i < 1200; ++i) all.push_back(history.add("alice", std::to_string(i)));
  auto replay = collect_replay(history, "alice", "desk", 0, 700);
  REQUIRE(replay);
  CHECK(replay->truncated);
  CHECK(ids(replay.value()) == std::vector<std::uint64_t>(all.end() - 700, all.end()));

  replay = collect_replay(history, "alice", "desk", all[1199 - 600], 700);
  REQUIRE(replay);
  CHECK_FALSE(replay->truncated);
  CHECK(replay->notifications.size() == 600);

  replay = collect_replay(history, "alice", "desk", 0, 0);
  REQUIRE(replay);
  CHECK(replay->notifications.empty());
  CHECK(replay->truncated);
}

TEST_CASE("a replay reads a bounded number of history pages", "[replay]") {
  FakeNotifications history;
  history.add("alice", "old, for the desktop");
  for (std::uint32_t i = 0; i < (max_replay_pages + 2) * 500; ++i) history.add("alice", "telegram", {"bot"});
  auto replay = collect_replay(history, "alice", "desk", 0, 500);
  REQUIRE(replay);
  CHECK(replay->truncated);
  CHECK(history.queries == static_cast<int>(max_replay_pages));
}

TEST_CASE("a history failure is reported", "[replay]") {
  FakeNotifications history;
  history.fails = true;
  CHECK(collect_replay(history, "alice", "desk", 0, 10).error() == "database is locked");
}
