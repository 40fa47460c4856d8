#include <catch2/catch.hpp>

#include "bot_command.hpp"

using namespace notifyd::telegram;

TEST_CASE("commands are parsed with their bot and argument", "[bot_command]") {
  const auto run = parse_command("  /Run@Notify_Bot   disk usage \n");
  REQUIRE(run);
  CHECK(run->name == "run");
  CHECK(run->addressed_to == "Notify_Bot");
  CHECK(run->argument == "disk usage");
  CHECK(parse_command("/start")->argument.empty());
  CHECK(parse_command("/mute 2h")->argument == "2h");
}

TEST_CASE("text that is not a command is not one", "[bot_command]") {
  CHECK_FALSE(parse_command("hello"));
  CHECK_FALSE(parse_command("/"));
  CHECK_FALSE(parse_command("/ start"));
  CHECK_FALSE(parse_command("/start!"));
  CHECK_FALSE(parse_command("/" + std::string(40, 'a')));
  CHECK_FALSE(parse_command(""));
}

TEST_CASE("commands for other bots are recognised as such", "[bot_command]") {
  CHECK(addressed_to_bot("", "notify_bot"));
  CHECK(addressed_to_bot("NOTIFY_bot", "notify_bot"));
  CHECK(addressed_to_bot("notify_bot", "@notify_bot"));
  CHECK_FALSE(addressed_to_bot("other_bot", "notify_bot"));
  CHECK(addressed_to_bot("other_bot", ""));
}
