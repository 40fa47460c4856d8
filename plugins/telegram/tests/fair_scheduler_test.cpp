#include <catch2/catch.hpp>

#include "fair_scheduler.hpp"

using namespace notifyd::telegram;
using namespace std::chrono_literals;
using Grant = FairScheduler::Grant;
using Wait = FairScheduler::Wait;
using Idle = FairScheduler::Idle;

namespace {

const auto t0 = FairScheduler::Clock::time_point{} + 10h;

RateLimits limits(double per_chat, std::uint32_t burst, double global, std::uint32_t global_burst) {
  RateLimits l;
  l.per_chat_rate = per_chat;
  l.group_rate = per_chat / 2;
  l.per_chat_burst = burst;
  l.global_rate = global;
  l.global_burst = global_burst;
  return l;
}

Grant granted(FairScheduler& scheduler, FairScheduler::TimePoint now) {
  auto next = scheduler.next(now);
  REQUIRE(std::holds_alternative<Grant>(next));
  return std::get<Grant>(next);
}

}  // namespace

TEST_CASE("chats take turns, so one chat's flood does not delay another", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1000, 1000, 1000, 1000), t0);
  for (std::uint64_t job = 1; job <= 5; ++job) scheduler.push(100, job, t0);
  scheduler.push(200, 99, t0);
  const auto first = granted(scheduler, t0);
  CHECK(first.chat == 100);
  const auto second = granted(scheduler, t0);
  CHECK(second.chat == 200);  // not after the other four of chat 100
  CHECK(second.job == 99);
  scheduler.release(100, true, t0);
  scheduler.release(200, true, t0);
  CHECK(scheduler.pending() == 4);
}

TEST_CASE("a chat has one message in flight and keeps its order", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1000, 1000, 1000, 1000), t0);
  scheduler.push(1, 10, t0);
  scheduler.push(1, 11, t0);
  CHECK(granted(scheduler, t0).job == 10);
  CHECK(std::holds_alternative<Idle>(scheduler.next(t0)));
  scheduler.release(1, false, t0);  // job 10 has another message
  CHECK(granted(scheduler, t0).job == 10);
  scheduler.release(1, true, t0);
  CHECK(granted(scheduler, t0).job == 11);
  scheduler.release(1, true, t0);
  CHECK(std::holds_alternative<Idle>(scheduler.next(t0)));
  CHECK(scheduler.pending() == 0);
}

TEST_CASE("a chat gets its burst, then one message per interval", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 3, 1000, 1000), t0);
  for (std::uint64_t job = 1; job <= 4; ++job) scheduler.push(7, job, t0);
  for (int i = 0; i < 3; ++i) {
    granted(scheduler, t0);
    scheduler.release(7, true, t0);
  }
  const auto wait = scheduler.next(t0);
  REQUIRE(std::holds_alternative<Wait>(wait));
  CHECK(std::get<Wait>(wait).duration == 1s);
  CHECK(granted(scheduler, t0 + 1s).job == 4);
}

TEST_CASE("group chats use the group rate", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 1, 1000, 1000), t0);
  scheduler.push(-5, 1, t0);
  scheduler.push(-5, 2, t0);
  granted(scheduler, t0);
  scheduler.release(-5, true, t0);
  const auto wait = scheduler.next(t0);
  REQUIRE(std::holds_alternative<Wait>(wait));
  CHECK(std::get<Wait>(wait).duration == 2s);
}

TEST_CASE("the global limit paces all chats together", "[fair_scheduler]") {
  FairScheduler scheduler(limits(100, 10, 2, 1), t0);
  scheduler.push(1, 1, t0);
  scheduler.push(2, 2, t0);
  granted(scheduler, t0);
  const auto wait = scheduler.next(t0);
  REQUIRE(std::holds_alternative<Wait>(wait));
  CHECK(std::get<Wait>(wait).duration == 500ms);
  CHECK(granted(scheduler, t0 + 500ms).chat == 2);
}

TEST_CASE("after a 429 a chat waits for retry_after", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 3, 1000, 1000), t0);
  scheduler.push(3, 1, t0);
  scheduler.hold(3, t0 + 10s);
  const auto wait = scheduler.next(t0);
  REQUIRE(std::holds_alternative<Wait>(wait));
  CHECK(std::get<Wait>(wait).duration == 11s);  // the hold, then a token's refill
  CHECK(std::holds_alternative<Wait>(scheduler.next(t0 + 10s)));
  CHECK(granted(scheduler, t0 + 11s).job == 1);
}

TEST_CASE("deliveries for a backlogged chat are handed back, in order", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 3, 1000, 1000), t0, 2s);
  // Three go at once, two more within the 2 s window.
  for (std::uint64_t ticket = 1; ticket <= 5; ++ticket) {
    REQUIRE_FALSE(scheduler.admit(9, ticket, t0));
    scheduler.push(9, ticket, t0);
  }
  const auto sixth = scheduler.admit(9, 6, t0);
  REQUIRE(sixth);
  CHECK(*sixth == 2s);  // its slot is 3 s away; it comes back a second early
  const auto seventh = scheduler.admit(9, 7, t0);
  REQUIRE(seventh);
  CHECK(*seventh > *sixth);
  // Another chat is not affected.
  CHECK_FALSE(scheduler.admit(10, 8, t0));

  // 7 comes back before 6 (say, 6 is slow to return): 7 must not overtake it.
  CHECK(scheduler.admit(9, 7, t0 + *sixth + 500ms));
  // The chat drained meanwhile; 6 comes back and is queued.
  for (int i = 0; i < 5; ++i) {
    granted(scheduler, t0 + std::chrono::seconds(i));
    scheduler.release(9, true, t0 + std::chrono::seconds(i));
  }
  CHECK_FALSE(scheduler.admit(9, 6, t0 + 5s));
}

TEST_CASE("a handed-back delivery that never returns stops holding its place", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 1, 1000, 1000), t0, 500ms);
  REQUIRE_FALSE(scheduler.admit(4, 1, t0));
  scheduler.push(4, 1, t0);
  REQUIRE(scheduler.admit(4, 2, t0 + 1ms));  // handed back, never seen again
  granted(scheduler, t0);
  scheduler.release(4, true, t0);
  CHECK(scheduler.admit(4, 3, t0 + 3s));        // 2 is still expected
  CHECK_FALSE(scheduler.admit(4, 3, t0 + 5min));  // 2 is given up on
}

TEST_CASE("drain removes queued jobs but not the one in flight", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1000, 1000, 1000, 1000), t0);
  scheduler.push(1, 1, t0);
  scheduler.push(1, 2, t0);
  scheduler.push(2, 3, t0);
  granted(scheduler, t0);
  auto drained = scheduler.drain();
  std::sort(drained.begin(), drained.end());
  CHECK(drained == std::vector<std::uint64_t>{2, 3});
  CHECK(scheduler.pending() == 1);
}

TEST_CASE("while the global queue is long, each chat keeps one job", "[fair_scheduler]") {
  FairScheduler scheduler(limits(1, 3, 10, 1), t0, 2s);
  // 40 chats with one job each: 4 s of global queue.
  for (std::int64_t chat = 1; chat <= 40; ++chat) {
    REQUIRE_FALSE(scheduler.admit(chat, static_cast<std::uint64_t>(chat), t0));
    scheduler.push(chat, static_cast<std::uint64_t>(chat), t0);
  }
  const auto second = scheduler.admit(1, 100, t0);
  REQUIRE(second);  // its chat could send within the window, but the queue is congested
  CHECK(*second >= 2s);
  CHECK_FALSE(scheduler.admit(41, 101, t0));  // a chat without work still gets in
}
