#include <catch2/catch.hpp>

#include "schedule_book.hpp"
#include "test_support.hpp"

using namespace notifyd::cron;
using namespace notifyd::cron::testing;

namespace {

constexpr std::int64_t ms = 1000;

ScheduleBook make_book(std::string default_schedule = "*/5 * * * *", std::int64_t jitter = 0) {
  return ScheduleBook(std::move(default_schedule), zone("UTC"), [jitter] { return jitter; });
}

const CheckKey alice_revenue{"alice", "revenue_drop"};
const CheckKey bob_disk{"bob", "disk"};

}  // namespace

TEST_CASE("a new check without history is due at its next slot, not at once") {
  auto book = make_book();
  const auto report = book.sync({{alice_revenue, ""}}, at("2026-01-01T10:02:00Z") * ms);
  CHECK(report.added.size() == 1);
  REQUIRE(report.next_runs.size() == 1);
  CHECK(report.next_runs[0].at_ms == at("2026-01-01T10:05:00Z") * ms);
  CHECK(book.earliest_due_ms() == at("2026-01-01T10:05:00Z") * ms);
  CHECK(book.take_due(at("2026-01-01T10:04:59Z") * ms).runs.empty());
  const auto due = book.take_due(at("2026-01-01T10:05:00Z") * ms + 3);
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].key == alice_revenue);
  CHECK(due.runs[0].slot == at("2026-01-01T10:05:00Z"));
  CHECK_FALSE(due.runs[0].catch_up);
  CHECK(book.last_fires().at(alice_revenue) == at("2026-01-01T10:05:00Z"));
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T10:10:00Z"));
}

TEST_CASE("after downtime a missed schedule runs once, then keeps its cadence") {
  auto book = make_book();
  book.restore({{alice_revenue, at("2026-01-01T08:00:00Z")}, {bob_disk, at("2026-01-01T10:00:00Z")}});
  const std::int64_t now = at("2026-01-01T10:02:30Z");
  book.sync({{alice_revenue, ""}, {bob_disk, ""}}, now * ms);
  const auto due = book.take_due(now * ms);
  REQUIRE(due.runs.size() == 1);  // bob's 10:00 slot was not missed; alice missed 25 slots
  CHECK(due.runs[0].key == alice_revenue);
  CHECK(due.runs[0].catch_up);
  CHECK(due.runs[0].missed_slot == at("2026-01-01T08:05:00Z"));
  CHECK(due.runs[0].slot == now);
  CHECK(book.take_due(now * ms + 500).runs.empty());
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T10:05:00Z"));
  CHECK(book.next_slot(bob_disk) == at("2026-01-01T10:05:00Z"));
}

TEST_CASE("waking late runs each due check once and skips to the slot after now") {
  auto book = make_book("* * * * *");
  book.sync({{alice_revenue, ""}}, at("2026-01-01T10:00:30Z") * ms);
  const auto due = book.take_due(at("2026-01-01T10:07:10Z") * ms);  // e.g. after a suspend
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].slot == at("2026-01-01T10:01:00Z"));
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T10:08:00Z"));
}

TEST_CASE("an invalid schedule is reported once and not scheduled; others still are") {
  auto book = make_book();
  const std::vector<ListedCheck> checks{{alice_revenue, "0 0 32 * *"}, {bob_disk, "@hourly"}};
  const auto first = book.sync(checks, at("2026-01-01T10:00:30Z") * ms);
  REQUIRE(first.invalid.size() == 1);
  CHECK(first.invalid[0].first == alice_revenue);
  CHECK(first.invalid[0].second == "field 3 (day of month) \"32\" at column 5: value out of range 1-31");
  CHECK_FALSE(book.next_slot(alice_revenue));
  CHECK(book.next_slot(bob_disk) == at("2026-01-01T11:00:00Z"));
  CHECK(book.sync(checks, at("2026-01-01T10:01:00Z") * ms).invalid.empty());
  const auto fixed = book.sync({{alice_revenue, "0 0 30 * *"}, {bob_disk, "@hourly"}}, at("2026-01-01T10:02:00Z") * ms);
  CHECK(fixed.invalid.empty());
  CHECK(book.next_slot(alice_revenue) == at("2026-01-30T00:00:00Z"));
}

TEST_CASE("changed, removed and re-added checks") {
  auto book = make_book();
  book.sync({{alice_revenue, ""}, {bob_disk, ""}}, at("2026-01-01T10:00:30Z") * ms);
  const auto changed = book.sync({{alice_revenue, "0 9 * * *"}, {bob_disk, ""}}, at("2026-01-01T10:01:00Z") * ms);
  REQUIRE(changed.next_runs.size() == 1);
  CHECK(changed.next_runs[0].at_ms == at("2026-01-02T09:00:00Z") * ms);
  const auto removed = book.sync({{alice_revenue, "0 9 * * *"}}, at("2026-01-01T10:02:00Z") * ms);
  CHECK(removed.removed == std::vector<CheckKey>{bob_disk});
  CHECK(book.earliest_due_ms() == at("2026-01-02T09:00:00Z") * ms);
  CHECK(book.take_due(at("2026-01-01T10:05:00Z") * ms).runs.empty());
}

TEST_CASE("the state of checks gone for 30 days is forgotten") {
  auto book = make_book();
  book.restore({{alice_revenue, at("2026-01-01T00:00:00Z")}, {bob_disk, at("2026-01-25T00:00:00Z")}});
  book.sync({}, at("2026-02-05T00:00:00Z") * ms);
  CHECK(book.last_fires().count(alice_revenue) == 0);
  CHECK(book.last_fires().count(bob_disk) == 1);
}

TEST_CASE("jitter delays the due time, not the recorded slot") {
  auto book = make_book("*/5 * * * *", 1500);
  const auto report = book.sync({{alice_revenue, ""}}, at("2026-01-01T10:02:00Z") * ms);
  CHECK(report.next_runs[0].at_ms == at("2026-01-01T10:05:00Z") * ms + 1500);
  CHECK(book.take_due(at("2026-01-01T10:05:01Z") * ms).runs.empty());
  const auto due = book.take_due(at("2026-01-01T10:05:01Z") * ms + 500);
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].slot == at("2026-01-01T10:05:00Z"));
}

TEST_CASE("@every counts from the last fire across restarts") {
  auto book = make_book();
  book.restore({{alice_revenue, at("2026-01-01T10:00:00Z")}});
  book.sync({{alice_revenue, "@every 90s"}}, at("2026-01-01T10:01:00Z") * ms);
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T10:01:30Z"));
  auto later = make_book();
  later.restore({{alice_revenue, at("2026-01-01T10:00:00Z")}});
  later.sync({{alice_revenue, "@every 90s"}}, at("2026-01-01T10:05:00Z") * ms);
  const auto due = later.take_due(at("2026-01-01T10:05:00Z") * ms);
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].catch_up);
  CHECK(later.next_slot(alice_revenue) == at("2026-01-01T10:06:30Z"));
}

TEST_CASE("a clock set back reschedules periodic checks, not specific-hour ones") {
  auto book = make_book();
  const CheckKey nightly{"carol", "nightly"};
  const CheckKey every{"dave", "every"};
  book.sync({{alice_revenue, "*/5 * * * *"}, {nightly, "30 2 * * *"}, {every, "@every 10m"}},
            at("2026-01-01T10:02:00Z") * ms);
  book.take_due(at("2026-01-01T10:05:00Z") * ms);
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T10:10:00Z"));
  const auto changed = book.clock_set_back(at("2026-01-01T09:00:30Z") * ms);
  CHECK(book.next_slot(alice_revenue) == at("2026-01-01T09:05:00Z"));
  CHECK(book.next_slot(every) == at("2026-01-01T09:10:30Z"));
  CHECK(book.next_slot(nightly) == at("2026-01-02T02:30:00Z"));
  CHECK(changed.size() == 2);
}

TEST_CASE("replicas name a slot alike to claim it, whenever each started") {
  auto book = make_book();
  book.restore({{bob_disk, at("2026-01-01T08:00:00Z")}});
  const CheckKey every{"alice", "every"};
  // Started at 10:02:30: the @every slots are 10:03:10, 10:03:50; their 40 s windows begin at 10:02:40 and 10:03:20.
  book.sync({{alice_revenue, ""}, {bob_disk, ""}, {every, "@every 40s"}}, at("2026-01-01T10:02:30Z") * ms);
  auto due = book.take_due(at("2026-01-01T10:02:30Z") * ms);
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].key == bob_disk);
  CHECK(due.runs[0].claim_slot == at("2026-01-01T08:05:00Z"));  // a catch-up: the first slot missed
  due = book.take_due(at("2026-01-01T10:03:10Z") * ms);
  REQUIRE(due.runs.size() == 1);
  CHECK(due.runs[0].slot == at("2026-01-01T10:03:10Z"));
  CHECK(due.runs[0].claim_slot == at("2026-01-01T10:02:40Z"));
  due = book.take_due(at("2026-01-01T10:05:00Z") * ms);
  REQUIRE(due.runs.size() == 3);
  for (const auto& run : due.runs) {
    if (run.key == every) {
      CHECK(run.slot == at("2026-01-01T10:03:50Z"));
      CHECK(run.claim_slot == at("2026-01-01T10:03:20Z"));
    } else {
      CHECK(run.claim_slot == run.slot);
    }
  }
}

TEST_CASE("only checks this book listed are reported forgotten; other replicas' fires are left alone") {
  auto book = make_book();
  const std::int64_t now = at("2026-03-01T00:00:00Z");
  book.restore({{alice_revenue, now - forget_after_seconds - 60}, {bob_disk, now - forget_after_seconds - 60}});
  book.sync({{alice_revenue, ""}}, (now - forget_after_seconds - 30) * ms);
  const auto report = book.sync({}, now * ms);
  CHECK(report.forgotten == std::vector<CheckKey>{alice_revenue});
  CHECK(book.last_fires().empty());
}
