#include <catch2/catch.hpp>

#include "chat_order.hpp"

using namespace notifyd::telegram;
using namespace std::chrono_literals;

namespace {

QueuedReply reply_at(std::uint64_t id, std::int64_t chat, std::int64_t created_at_ms) {
  QueuedReply reply;
  reply.id = id;
  reply.chat_id = chat;
  reply.text = "answer";
  reply.created_at_ms = created_at_ms;
  return reply;
}

}  // namespace

TEST_CASE("a reply accepted after a held notification waits for it, an earlier one does not", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  CHECK(order.hold(7, "alice", 41, 1000));
  CHECK_FALSE(order.hold(7, "alice", 41, 1000));
  REQUIRE(order.blocking(7, 1000) != nullptr);
  CHECK(order.blocking(7, 2000)->notification_id == 41);
  CHECK(order.blocking(7, 999) == nullptr);
  CHECK(order.blocking(8, 2000) == nullptr);
  CHECK(order.release(41));
  CHECK_FALSE(order.release(41));
  CHECK(order.blocking(7, 2000) == nullptr);
}

TEST_CASE("the earliest of several held notifications blocks first", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  order.hold(7, "bob", 52, 1500);
  order.hold(7, "alice", 41, 1000);
  CHECK(order.blocking(7, 2000)->notification_id == 41);
  CHECK(order.blocking(7, 1200)->notification_id == 41);
  order.release(41);
  CHECK(order.blocking(7, 2000)->notification_id == 52);
  CHECK(order.blocking(7, 1200) == nullptr);
}

TEST_CASE("a notification waits for replies accepted before it, not after", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  state.replies.push_back(reply_at(1, 7, 1000));
  CHECK(order.reply_ahead(7, 1001));
  CHECK_FALSE(order.reply_ahead(7, 1000));
  CHECK_FALSE(order.reply_ahead(8, 5000));
}

TEST_CASE("holds survive a restart in the saved bot state", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  order.hold(7, "alice", 41, 1000);
  auto restored = parse_bot_state(serialize_bot_state(state));
  REQUIRE(restored.ok());
  BotState after = std::move(restored).value();
  ChatOrder again(after);
  REQUIRE(again.blocking(7, 2000) != nullptr);
  CHECK(again.blocking(7, 2000)->user == "alice");
}

TEST_CASE("a hold asked to retry and not attempted for a while is forgotten", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  order.hold(7, "alice", 41, 1000);
  order.hold(7, "alice", 42, 1100);
  const auto start = ChatOrder::Clock::now();
  order.asked_to_retry(41, start);
  order.asked_to_retry(42, start);
  order.attempted(42);
  order.asked_to_retry(41, start + 10s);  // the first unanswered request counts
  CHECK_FALSE(order.forget_unanswered(start + ChatOrder::unanswered_hold - 1ms));
  CHECK(order.forget_unanswered(start + ChatOrder::unanswered_hold));
  CHECK(order.blocking(7, 1050) == nullptr);
  CHECK(order.blocking(7, 2000)->notification_id == 42);
}

TEST_CASE("holds follow a chat that moved", "[chat_order]") {
  BotState state;
  ChatOrder order(state);
  order.hold(-7, "alice", 41, 1000);
  order.migrate(-7, -1007);
  CHECK(order.blocking(-7, 2000) == nullptr);
  CHECK(order.blocking(-1007, 2000)->notification_id == 41);
  CHECK(order.hold(-2007, "alice", 41, 1000));
  CHECK(order.blocking(-2007, 2000)->notification_id == 41);
}
