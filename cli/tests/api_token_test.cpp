#include <catch2/catch.hpp>

#include <variant>

#include "api_requests.hpp"
#include "command_line.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "token_commands.hpp"

using namespace notifyctl;

namespace {

TokenArguments parsed_token(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "token");
  auto parsed = parse_command_line(arguments);
  REQUIRE(std::holds_alternative<CommandLine>(parsed));
  const auto& command = std::get<CommandLine>(parsed).command;
  REQUIRE(std::holds_alternative<TokenArguments>(command));
  return std::get<TokenArguments>(command);
}

bool refused(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "token");
  return std::holds_alternative<UsageError>(parse_command_line(arguments));
}

}  // namespace

TEST_CASE("token create, list and revoke read their options", "[token]") {
  auto create = parsed_token({"create", "--name", "ci-runner", "--expires", "30d"});
  CHECK(create.action == TokenArguments::Action::create);
  CHECK(create.name == std::optional<std::string>("ci-runner"));
  CHECK(create.expires == std::optional<std::string>("30d"));
  CHECK_FALSE(create.user);

  auto list = parsed_token({"list", "--user", "bob"});
  CHECK(list.action == TokenArguments::Action::list);
  CHECK(list.user == std::optional<std::string>("bob"));

  auto revoke = parsed_token({"revoke", "0123456789ab"});
  CHECK(revoke.action == TokenArguments::Action::revoke);
  CHECK(revoke.id == "0123456789ab");

  CHECK(refused({}));
  CHECK(refused({"delete", "x"}));
  CHECK(refused({"revoke"}));
  CHECK(refused({"revoke", "a", "b"}));
  CHECK(refused({"list", "extra"}));
  CHECK(refused({"list", "--name", "x"}));
  CHECK(refused({"revoke", "--expires", "1d", "a"}));
  CHECK(refused({"create", "--name", ""}));
  CHECK(refused({"create", "--user", ""}));
}

TEST_CASE("token requests carry only what was given", "[token]") {
  CHECK(std::get<std::string>(token_create_body(std::nullopt, std::nullopt, std::nullopt)) == "{}");
  CHECK(std::get<std::string>(token_create_body("ci \"a\"", "2027-01-31", "bob")) ==
        R"({"name":"ci \"a\"","expires":"2027-01-31","user":"bob"})");
  CHECK(std::holds_alternative<InvalidInput>(token_create_body("\xff", std::nullopt, std::nullopt)));
  CHECK(tokens_request_target("", std::nullopt) == "/v1/tokens");
  CHECK(tokens_request_target("0123456789ab", "bob") == "/v1/tokens/0123456789ab?user=bob");
  CHECK(tokens_request_target("a/b", std::nullopt) == "/v1/tokens/a%2Fb");
}

TEST_CASE("token texts: the new token once on its own line, the list as a table", "[token]") {
  const std::int64_t created = notifyd::sdk::parse_utc_timestamp("2026-12-07T20:00:00Z").value();
  const std::int64_t expires = notifyd::sdk::parse_utc_timestamp("2027-01-06T20:00:00Z").value();
  IssuedApiToken issued{"nd_0123456789abSECRET", {"0123456789ab", "ci-runner", "alice", created, expires, false}};
  CHECK(issued_token_text(issued) ==
        "nd_0123456789abSECRET\n\n"
        "ID:       0123456789ab\n"
        "Name:     ci-runner\n"
        "User:     alice (the only recipient it can send to)\n"
        "Expires:  2027-01-06 20:00 UTC\n"
        "This is the only time the token is shown: notifyd keeps a digest of it.\n");

  CHECK(token_list_text({}) == "no API tokens (notifyctl token create makes one)\n");
  ApiTokenList list{{{"0123456789ab", "ci-runner", "alice", created, expires, true},
                     {"ba9876543210", "", "alice", created, 0, false}}};
  CHECK(token_list_text(list) ==
        "ID            NAME       CREATED               EXPIRES\n"
        "0123456789ab  ci-runner  2026-12-07 20:00 UTC  2027-01-06 20:00 UTC (expired)\n"
        "ba9876543210             2026-12-07 20:00 UTC  never\n");
}
