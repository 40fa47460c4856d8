#include <catch2/catch.hpp>

#include <variant>

#include "account_text.hpp"
#include "api_requests.hpp"
#include "command_line.hpp"

using namespace notifyctl;

TEST_CASE("desktop-token asks for yourself or, with --user, for another user", "[desktop_token]") {
  CHECK(desktop_token_request_body(nullptr) == "{}");
  const std::string user = "alice";
  CHECK(desktop_token_request_body(&user) == R"({"user":"alice"})");
  const std::string odd = "a\"b";
  CHECK(desktop_token_request_body(&odd) == R"({"user":"a\"b"})");
}

TEST_CASE("desktop-token prints the daemon's answer", "[desktop_token]") {
  CHECK(desktop_token_text({"aaa.bbb.ccc", "alice", "2026-12-25T00:00:00.000Z", "ws://127.0.0.1:8765/"}) ==
        "Token:    aaa.bbb.ccc\nUser:     alice\nExpires:  2026-12-25T00:00:00.000Z\nServer:   ws://127.0.0.1:8765/\n");
  CHECK(desktop_token_text({"t", "", "", ""}) == "Token:    t\n");
}

TEST_CASE("desktop-token takes --user and nothing else", "[desktop_token]") {
  auto parsed = parse_command_line({"desktop-token", "--user", "bob"});
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  const auto& command = std::get<CommandLine>(parsed).command;
  REQUIRE(std::holds_alternative<DesktopTokenArguments>(command));
  CHECK(std::get<DesktopTokenArguments>(command).user == std::optional<std::string>("bob"));

  parsed = parse_command_line({"desktop-token"});
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  CHECK_FALSE(std::get<DesktopTokenArguments>(std::get<CommandLine>(parsed).command).user);

  CHECK(std::holds_alternative<UsageError>(parse_command_line({"desktop-token", "extra"})));
  CHECK(std::holds_alternative<UsageError>(parse_command_line({"desktop-token", "--user", ""})));
  CHECK(std::holds_alternative<UsageError>(parse_command_line({"desktop-token", "--limit", "3"})));
}
