#include <catch2/catch.hpp>

#include "send_verdict.hpp"

using namespace notifyd::telegram;
using Kind = SendVerdict::Kind;

namespace {

SendVerdict verdict(long status, const std::string& body) { return classify_send(parse_api_reply(status, body)); }

}  // namespace

TEST_CASE("send replies map to what the delivery does next", "[send_verdict]") {
  CHECK(verdict(200, R"({"ok":true,"result":{}})").kind == Kind::sent);

  const auto limited = verdict(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":7}})");
  CHECK(limited.kind == Kind::retry);
  CHECK(limited.retry_after == std::chrono::seconds(7));

  const auto entities = verdict(400, R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3"})");
  CHECK(entities.kind == Kind::unparsable_entities);

  const auto blocked = verdict(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
  CHECK(blocked.kind == Kind::blocked);
  CHECK(blocked.error.find("blocked by the user") != std::string::npos);

  const auto migrated = verdict(400, R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-100777}})");
  CHECK(migrated.kind == Kind::migrated);
  CHECK(migrated.new_chat_id == -100777);

  CHECK(verdict(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})").kind == Kind::retry);
  CHECK(verdict(502, "<html>bad gateway</html>").kind == Kind::retry);
  CHECK(verdict(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})").kind == Kind::retry);
  CHECK(verdict(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})").kind == Kind::permanent);
  CHECK(classify_send(transport_failure("timeout")).kind == Kind::retry);
}

TEST_CASE("a 429 without retry_after still waits a second", "[send_verdict]") {
  const auto limited = verdict(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests"})");
  CHECK(limited.kind == Kind::retry);
  CHECK(limited.retry_after == std::chrono::seconds(1));
}
