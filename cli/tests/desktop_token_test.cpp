#include <catch2/catch.hpp>

#include <variant>

#include "command_line.hpp"
#include "desktop_token.hpp"

using namespace notifyctl;

TEST_CASE("desktop-token asks for yourself or, with --user, for another user", "[desktop_token]") {
  CHECK(desktop_token_request_body(nullptr) == "{}");
  const std::string user = "alice";
  CHECK(desktop_token_request_body(&user) == R"({"user":"alice"})");
  const std::string odd = "a\"b";
  CHECK(desktop_token_request_body(&odd) == R"({"user":"a\"b"})");
}

TEST_CASE("desktop-token decodes and prints the daemon's answer", "[desktop_token]") {
  const auto decoded = decode_desktop_token(
      R"({"token":"aaa.bbb.ccc","user":"alice","expires_at":"2026-12-25T00:00:00.000Z","url":"ws://127.0.0.1:8765/"})");
  REQUIRE(std::holds_alternative<DesktopToken>(decoded));
  CHECK(desktop_token_text(std::get<DesktopToken>(decoded)) ==
        "Token:    aaa.bbb.ccc\nUser:     alice\nExpires:  2026-12-25T00:00:00.000Z\nServer:   ws://127.0.0.1:8765/\n");
  CHECK(std::holds_alternative<DecodeError>(decode_desktop_token(R"({"user":"alice"})")));
  CHECK(std::holds_alternative<DecodeError>(decode_desktop_token("[1]")));
  CHECK(std::holds_alternative<DecodeError>(decode_desktop_token("{")));
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
