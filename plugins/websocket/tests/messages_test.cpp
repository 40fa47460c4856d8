#include <catch2/catch.hpp>

#include "client_message.hpp"
#include "server_message.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using Type = ClientMessage::Type;

TEST_CASE("client messages: auth with an optional since, pong, ping", "[messages]") {
  auto message = parse_client_message(R"({"type":"auth","token":"a.b.c"})");
  CHECK(message.type == Type::auth);
  CHECK(message.token == "a.b.c");
  CHECK_FALSE(message.since);

  message = parse_client_message(R"({"type":"auth","token":"t","since":42})");
  CHECK(message.since == std::optional<std::uint64_t>(42));
  CHECK(parse_client_message(R"({"type":"auth","token":"t","since":42.0})").since == std::optional<std::uint64_t>(42));
  CHECK_FALSE(parse_client_message(R"({"type":"auth","token":"t","since":null})").since);
  CHECK(parse_client_message(R"({"type":"pong"})").type == Type::pong);
  CHECK(parse_client_message(R"({"type":"ping","extra":[1,2]})").type == Type::ping);
  CHECK(parse_client_message(R"({"type":"subscribe"})").type == Type::unknown);
}

TEST_CASE("since may be the id as a frame carries it, a string of digits", "[messages]") {
  CHECK(parse_client_message(R"({"type":"auth","token":"t","since":"42"})").since == std::optional<std::uint64_t>(42));
  CHECK(parse_client_message(R"({"type":"auth","token":"t","since":"0"})").since == std::optional<std::uint64_t>(0));
}

TEST_CASE("client messages that cannot be used get the seed's auth_error texts, with a reason", "[messages]") {
  for (const std::string text : {"", "{", "\xff\xfe", "{\"type\":\"auth\",}"}) {
    INFO(text);
    const auto message = parse_client_message(text);
    CHECK(message.type == Type::invalid);
    CHECK(message.error == "Invalid JSON");
  }
  for (const std::string text : {"[]", "\"auth\"", R"({"type":5})", R"({"kind":"auth"})", R"({"type":"auth"})",
                                 R"({"type":"auth","token":7})", R"({"type":"auth","token":""})"}) {
    INFO(text);
    const auto message = parse_client_message(text);
    CHECK(message.type == Type::invalid);
    CHECK(message.error == "Expected auth message with token");
    CHECK_FALSE(message.reason.empty());
  }
  for (const std::string since :
       {"-1", "1.5", "\"7x\"", "\"\"", "\"-7\"", "\"99999999999999999999999\"", "1e30", "[]"}) {
    INFO(since);
    const auto message = parse_client_message(R"({"type":"auth","token":"t","since":)" + since + "}");
    CHECK(message.error == "Expected auth message with token");
    CHECK(message.reason == "\"since\" must be a notification id: a number or a string of digits");
  }
  CHECK(parse_client_message(std::string(100000, '[')).type == Type::invalid);
}

TEST_CASE("a huge token is kept only up to the limit the verifier refuses", "[messages]") {
  const auto message = parse_client_message(R"({"type":"auth","token":")" + std::string(20000, 'a') + "\"}");
  CHECK(message.type == Type::auth);
  CHECK(message.token.size() == 4097);
}

TEST_CASE("server messages have the seed's shapes", "[messages]") {
  CHECK(auth_ok_message("alice", std::nullopt) == R"({"type":"auth_ok","username":"alice"})");
  CHECK(auth_ok_message("alice", ReplaySummary{3, true}) ==
        R"({"type":"auth_ok","username":"alice","replayed":3,"replay_truncated":true})");
  CHECK(auth_error_message("Too many connections") == R"({"type":"auth_error","message":"Too many connections"})");
  CHECK(auth_error_message("Invalid token", "Token expired") ==
        R"({"type":"auth_error","message":"Invalid token","reason":"Token expired"})");
  CHECK(ping_message() == R"({"type":"ping"})");
  CHECK(pong_message() == R"({"type":"pong"})");
}

TEST_CASE("a notification frame is the seed gateway's: id a string, timestamp without fraction", "[messages]") {
  sdk::Notification n;
  n.id = 42;
  n.user = "alice";
  n.title = "Revenue \"down\"";
  n.message = "line 1\nline 2 \xff";
  n.source = "revenue_drop";
  n.created_at_ms = 1'764'079'781'123;
  CHECK(notification_message(n, "") ==
        R"({"type":"notification","id":"42","title":"Revenue \"down\"","message":"line 1\nline 2 �",)"
        R"("script":"revenue_drop","timestamp":"2025-11-25T14:09:41Z","image_url":null,"priority":3,"tags":[]})");
  n.image_path = "/var/lib/notifyd/images/42.png";
  CHECK(notification_message(n, "").ends_with(R"("image_url":"/api/notifications/images/42","priority":3,"tags":[]})"));
  CHECK(notification_message(n, "https://notify.example.com/").ends_with(
      R"("image_url":"https://notify.example.com/api/notifications/images/42","priority":3,"tags":[]})"));
}

TEST_CASE("a notification frame adds priority and tags after the seed's fields", "[messages]") {
  sdk::Notification n;
  n.id = 7;
  n.source = "disk";
  n.priority = sdk::Priority::urgent;
  n.tags = {"disk", "prod \"eu\""};
  CHECK(notification_message(n, "").ends_with(R"("image_url":null,"priority":5,"tags":["disk","prod \"eu\""]})"));
}

