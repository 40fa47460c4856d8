#include <catch2/catch.hpp>

#include <variant>

#include "account_text.hpp"
#include "command_line.hpp"
#include "help_text.hpp"

using namespace notifyctl;

TEST_CASE("login prints the daemon's link", "[login]") {
  CHECK(login_link_text({"http://127.0.0.1:8080/login/link?token=abc", "alice", "2026-12-25T00:02:00.000Z"}) ==
        "Open this link in your browser to sign in as alice:\n\n"
        "  http://127.0.0.1:8080/login/link?token=abc\n\n"
        "It works once and expires at 2026-12-25T00:02:00.000Z. Do not share it.\n");
  CHECK(login_link_text({"http://x/login/link?token=t", "", ""}) ==
        "Open this link in your browser to sign in:\n\n  http://x/login/link?token=t\n\nIt works once. Do not share it.\n");
}

TEST_CASE("login explains a missing dashboard", "[login]") {
  CHECK(login_refusal_hint(404).find("auth = \"link\"") != std::string::npos);
  CHECK(login_refusal_hint(503).empty());
}

TEST_CASE("login takes no arguments and has help", "[login]") {
  auto parsed = parse_command_line({"login"});
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  CHECK(std::holds_alternative<LoginArguments>(std::get<CommandLine>(parsed).command));
  auto json = parse_command_line({"login", "--json"});
  REQUIRE(std::holds_alternative<CommandLine>(json));
  CHECK(std::get<CommandLine>(json).options.json_output);
  auto extra = parse_command_line({"login", "alice"});
  REQUIRE(std::holds_alternative<UsageError>(extra));
  CHECK(std::get<UsageError>(extra).command == "login");
  CHECK(std::holds_alternative<UsageError>(parse_command_line({"login", "--user", "bob"})));
  REQUIRE(command_help("login"));
  CHECK(command_help("login")->find("2 minutes") != std::string::npos);
  CHECK(general_help().find("login") != std::string::npos);
}
