#include <catch2/catch.hpp>

#include "bot_state.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::TextFormat;

TEST_CASE("the bot state round-trips", "[bot_state]") {
  BotState state;
  state.offset = 1234;
  state.muted_until["alice"] = 5000;
  const auto parsed = parse_bot_state(serialize_bot_state(state));
  REQUIRE(parsed.ok());
  CHECK(parsed.value().offset == 1234);
  CHECK(parsed.value().muted_until.at("alice") == 5000);
}

TEST_CASE("a partial or odd state file gives defaults", "[bot_state]") {
  CHECK(parse_bot_state("{}").value().offset == 0);
  CHECK(parse_bot_state(R"({"offset": -5, "muted_until": {"a": "x", "b": 7}})").value().offset == 0);
  CHECK(parse_bot_state(R"({"muted_until": {"a": "x", "b": 7}})").value().muted_until.size() == 1);
  CHECK_FALSE(parse_bot_state("[]").ok());
  CHECK_FALSE(parse_bot_state("").ok());
}

TEST_CASE("mutes end on time", "[bot_state]") {
  BotState state;
  state.muted_until["alice"] = 1000;
  CHECK(state.mute_end("alice", 999) == 1000);
  CHECK(state.mute_end("alice", 1000) == 0);
  CHECK(state.mute_end("bob", 0) == 0);
  CHECK_FALSE(state.forget_ended_mutes(999));
  CHECK(state.forget_ended_mutes(1000));
  CHECK(state.muted_until.empty());
}

TEST_CASE("queued replies and pending runs round-trip, in order, with the next id past them", "[bot_state]") {
  BotState state;
  state.replies.push_back({7, 111, "second", TextFormat::plain, "", 1000, 2000, 1});
  state.replies.push_back({3, 111, "<code>1</code>", TextFormat::html, R"({"inline_keyboard":[]})", 900, 1900, 0});
  state.runs.push_back({9, 111, "alice", "disk"});
  const auto parsed = parse_bot_state(serialize_bot_state(state));
  REQUIRE(parsed.ok());
  const auto& replies = parsed.value().replies;
  REQUIRE(replies.size() == 2);
  CHECK(replies[0].id == 3);
  CHECK(replies[0].format == TextFormat::html);
  CHECK(replies[0].keyboard == R"({"inline_keyboard":[]})");
  CHECK(replies[1].text == "second");
  CHECK(replies[1].parts_sent == 1);
  CHECK(replies[1].expires_at_ms == 2000);
  REQUIRE(parsed.value().runs.size() == 1);
  CHECK(parsed.value().runs[0].check == "disk");
  CHECK(parsed.value().next_id == 10);
}

TEST_CASE("unusable queue entries are skipped", "[bot_state]") {
  const auto parsed = parse_bot_state(R"({"replies": [{"id": 1, "chat_id": 5}, {"id": 2, "chat_id": 5, "text": "ok"}, 7],
                                          "runs": [{"id": 3}]})");
  REQUIRE(parsed.ok());
  REQUIRE(parsed.value().replies.size() == 1);
  CHECK(parsed.value().replies[0].text == "ok");
  CHECK(parsed.value().runs.empty());
}
