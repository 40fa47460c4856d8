#include <catch2/catch.hpp>

#include "command_line.hpp"
#include "telegram_link.hpp"

using namespace notifyctl;

namespace {

template <typename Command>
Command parsed(const std::vector<std::string>& arguments) {
  auto result = parse_command_line(arguments);
  if (const auto* error = std::get_if<UsageError>(&result)) FAIL("unexpected usage error: " << error->message);
  const auto& line = std::get<CommandLine>(result);
  REQUIRE(std::holds_alternative<Command>(line.command));
  return std::get<Command>(line.command);
}

UsageError refused(const std::vector<std::string>& arguments) {
  auto result = parse_command_line(arguments);
  REQUIRE(std::holds_alternative<UsageError>(result));
  return std::get<UsageError>(result);
}

}  // namespace

TEST_CASE("link takes the six-digit code and an optional user", "[telegram_link]") {
  const auto link = parsed<LinkArguments>({"link", "012345"});
  CHECK(link.code == "012345");
  CHECK_FALSE(link.user);
  CHECK(parsed<LinkArguments>({"link", "--user", "alice", "123456"}).user == "alice");
  CHECK(refused({"link"}).command == "link");
  CHECK(refused({"link", "12345"}).message.find("6 digits") != std::string::npos);
  CHECK(refused({"link", "12345a"}).message.find("6 digits") != std::string::npos);
  CHECK(refused({"link", "123456", "654321"}).command == "link");
}

TEST_CASE("unlink and status take no arguments", "[telegram_link]") {
  CHECK_FALSE(parsed<UnlinkArguments>({"unlink"}).user);
  CHECK(parsed<LinkStatusArguments>({"status", "--user=bob"}).user == "bob");
  CHECK(refused({"unlink", "now"}).command == "unlink");
  CHECK(refused({"status", "--user", ""}).message == "--user must not be empty");
}

TEST_CASE("requests carry the code and the user only when given", "[telegram_link]") {
  CHECK(is_link_code("000000"));
  CHECK_FALSE(is_link_code("00000"));
  CHECK(link_request_body(std::string("123456"), std::nullopt) == R"({"code":"123456"})");
  CHECK(link_request_body(std::string("123456"), std::string("al ice")) == R"({"code":"123456","user":"al ice"})");
  CHECK(link_request_body(std::nullopt, std::nullopt) == "{}");
  CHECK(link_status_target(std::nullopt) == "/api/telegram/status");
  CHECK(link_status_target(std::string("a b")) == "/api/telegram/status?user=a%20b");
}

TEST_CASE("the link state reads as a sentence", "[telegram_link]") {
  const auto linked = std::get<LinkState>(
      decode_link_state(R"({"linked":true,"linked_at":"2026-11-25T14:09:41Z","active":true})"));
  CHECK(link_state_text(linked, "") == "you are linked to Telegram since 2026-11-25T14:09:41Z (notifications on)\n");
  const auto blocked = std::get<LinkState>(decode_link_state(R"({"linked":true,"linked_at":"x","active":false})"));
  CHECK(link_state_text(blocked, "bob").find("bob is linked") == 0);
  CHECK(link_state_text(blocked, "bob").find("blocked") != std::string::npos);
  const auto muted = std::get<LinkState>(
      decode_link_state(R"({"linked":true,"linked_at":"x","active":true,"muted_until":"2026-11-25T16:00:00Z"})"));
  CHECK(link_state_text(muted, "").find("muted until 2026-11-25T16:00:00Z") != std::string::npos);
  const auto none = std::get<LinkState>(decode_link_state(R"({"linked":false,"linked_at":null,"active":false})"));
  CHECK(link_state_text(none, "") ==
        "you are not linked to Telegram: send /start to the bot, then run notifyctl link CODE\n");
  CHECK(std::holds_alternative<DecodeError>(decode_link_state("[]")));
  CHECK(std::get<LinkState>(decode_link_state(R"({"linked":"yes"})")).linked == false);
}

TEST_CASE("with the bot off, status does not send the user to /start", "[telegram_link]") {
  CHECK(decode_bot_enabled(R"({"configured":false,"username":null,"url":null})") == false);
  CHECK(decode_bot_enabled(R"({"configured":true,"username":"notifyd_bot","url":"https://t.me/notifyd_bot"})") == true);
  CHECK_FALSE(decode_bot_enabled("{}"));
  CHECK_FALSE(decode_bot_enabled("not json"));
  LinkState unlinked;
  unlinked.bot_enabled = false;
  const std::string text = link_state_text(unlinked, "");
  CHECK(text.find("/start") == std::string::npos);
  CHECK(text.find("Telegram is off on this server") != std::string::npos);
  unlinked.bot_enabled = true;
  CHECK(link_state_text(unlinked, "").find("send /start to the bot") != std::string::npos);
}
