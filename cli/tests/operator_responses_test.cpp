#include <catch2/catch.hpp>

#include "operator_responses.hpp"

using namespace notifyctl;

TEST_CASE("linked users decode from the telegram plugin's answer", "[operator_responses]") {
  const auto decoded = decode_linked_users(
      R"({"users":[{"user":"alice","chat_id":123,"linked_at":"2026-11-01T08:30:00Z","active":true},)"
      R"({"user":"bob","chat_id":-100200,"linked_at":"2026-11-02T09:00:00Z","active":false},)"
      R"({"user":"carol","chat_id":"x","active":"yes"},7]})");
  REQUIRE(std::holds_alternative<LinkedUserList>(decoded));
  const auto& users = std::get<LinkedUserList>(decoded).users;
  REQUIRE(users.size() == 3);
  CHECK(users[0].user == "alice");
  CHECK(users[0].chat_id == 123);
  CHECK(users[0].active == true);
  CHECK(users[1].chat_id == -100200);
  CHECK(users[1].active == false);
  CHECK_FALSE(users[2].chat_id);
  CHECK_FALSE(users[2].active);
}

TEST_CASE("linked users refuse answers without a users list", "[operator_responses]") {
  CHECK(std::holds_alternative<DecodeError>(decode_linked_users("[]")));
  CHECK(std::holds_alternative<DecodeError>(decode_linked_users(R"({"users":{}})")));
  CHECK(std::holds_alternative<DecodeError>(decode_linked_users("{")));
}
