#include <catch2/catch.hpp>

#include "account_text.hpp"
#include "api_requests.hpp"
#include "command_line.hpp"

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

TelegramLink link_of(std::string_view body) {
  auto decoded = notifyd::sdk::api::from_json<TelegramLink>(body);
  if (!decoded) FAIL("unexpected decode error: " << decoded.error());
  return decoded.value();
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
  const auto linked = link_of(R"({"linked":true,"linked_at":"2026-11-25T14:09:41Z","active":true})");
  CHECK(link_state_text(linked, std::nullopt, "") ==
        "you are linked to Telegram since 2026-11-25T14:09:41Z (notifications on)\n");
  const auto blocked = link_of(R"({"linked":true,"linked_at":"x","active":false})");
  CHECK(link_state_text(blocked, std::nullopt, "bob").find("bob is linked") == 0);
  CHECK(link_state_text(blocked, std::nullopt, "bob").find("blocked") != std::string::npos);
  const auto muted = link_of(R"({"linked":true,"linked_at":"x","active":true,"muted_until":"2026-11-25T16:00:00Z"})");
  CHECK(link_state_text(muted, std::nullopt, "").find("muted until 2026-11-25T16:00:00Z") != std::string::npos);
  const auto none = link_of(R"({"linked":false,"linked_at":null,"active":false})");
  CHECK(link_state_text(none, std::nullopt, "") ==
        "you are not linked to Telegram: send /start to the bot, then run notifyctl link CODE\n");
}

TEST_CASE("with the bot off, status does not send the user to /start", "[telegram_link]") {
  TelegramLink unlinked;
  const std::string text = link_state_text(unlinked, false, "");
  CHECK(text.find("/start") == std::string::npos);
  CHECK(text.find("Telegram is off on this server") != std::string::npos);
  CHECK(link_state_text(unlinked, true, "").find("send /start to the bot") != std::string::npos);
}
