#include <catch2/catch.hpp>

#include "api_reply.hpp"

using namespace notifyd::telegram;

TEST_CASE("a successful reply keeps its result", "[api_reply]") {
  const auto reply = parse_api_reply(200, R"({"ok":true,"result":{"message_id":5}})");
  CHECK(reply.ok);
  CHECK(reply.error_code == 0);
  REQUIRE(reply.result() != nullptr);
  CHECK((*reply.result())["message_id"].GetInt() == 5);
  CHECK(reply.summary() == "ok");
}

TEST_CASE("error replies carry code, description and parameters", "[api_reply]") {
  const auto limited = parse_api_reply(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}})");
  CHECK_FALSE(limited.ok);
  CHECK(limited.error_code == 429);
  CHECK(limited.description == "Too Many Requests: retry after 3");
  REQUIRE(limited.retry_after);
  CHECK(limited.retry_after->count() == 3);

  const auto migrated = parse_api_reply(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat",
              "parameters":{"migrate_to_chat_id":-1001234567890}})");
  REQUIRE(migrated.migrate_to_chat_id);
  CHECK(*migrated.migrate_to_chat_id == -1001234567890);
}

TEST_CASE("whatever comes back, the parse does not fail", "[api_reply]") {
  for (const std::string& body : std::vector<std::string>{"", "<html>502 Bad Gateway</html>", "[]", "{\"ok\":\"yes\"}",
                                                          "null", "{", "\xff\xfe", std::string(100000, '[')}) {
    const auto reply = parse_api_reply(502, body);
    CHECK_FALSE(reply.ok);
    CHECK(reply.error_code == 502);
    CHECK_FALSE(reply.description.empty());
  }
  const auto odd = parse_api_reply(200, R"({"ok":false,"error_code":"x","parameters":{"retry_after":-5,"migrate_to_chat_id":"1"}})");
  CHECK_FALSE(odd.ok);
  CHECK(odd.error_code == 400);
  CHECK(odd.retry_after->count() == 0);
  CHECK_FALSE(odd.migrate_to_chat_id);
  const auto huge = parse_api_reply(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":99999999999}})");
  CHECK(huge.retry_after->count() == 24 * 3600);
}

TEST_CASE("descriptions are one bounded line", "[api_reply]") {
  const auto reply =
      parse_api_reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"line\\nbreak " + std::string(2000, 'x') + "\"}");
  CHECK(reply.description.find('\n') == std::string::npos);
  CHECK(reply.description.size() <= 512);
}

TEST_CASE("transport failures say so", "[api_reply]") {
  const auto reply = transport_failure("POST /bot<redacted>/getUpdates: Couldn't connect to server");
  CHECK_FALSE(reply.ok);
  CHECK_FALSE(reply.interrupted);
  CHECK(reply.summary() == "POST /bot<redacted>/getUpdates: Couldn't connect to server");
  CHECK(transport_failure("stopping", true).interrupted);
}
