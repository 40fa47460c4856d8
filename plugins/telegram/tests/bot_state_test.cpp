#include <catch2/catch.hpp>

#include "bot_state.hpp"

using namespace notifyd::telegram;

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
