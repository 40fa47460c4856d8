#include <catch2/catch.hpp>

#include "updates.hpp"

using namespace notifyd::telegram;

namespace {

UpdateBatch parse(const std::string& json, std::int64_t offset = 0) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  return parse_updates(document.HasParseError() ? nullptr : &document, offset);
}

}  // namespace

TEST_CASE("messages, button presses and membership changes are recognised", "[updates]") {
  const auto batch = parse(R"([
    {"update_id": 11, "message": {"message_id": 1, "from": {"id": 77}, "chat": {"id": 77, "type": "private"}, "text": "/start"}},
    {"update_id": 12, "callback_query": {"id": "cb1", "from": {"id": 77}, "data": "run:disk",
                                         "message": {"message_id": 9, "chat": {"id": 77}}}},
    {"update_id": 13, "my_chat_member": {"chat": {"id": 77}, "new_chat_member": {"status": "kicked"}}}
  ])", 10);
  REQUIRE(batch.updates.size() == 3);
  CHECK(batch.next_offset == 14);
  const auto& message = std::get<ChatMessage>(batch.updates[0].content);
  CHECK(message.chat_id == 77);
  CHECK(message.chat_type == "private");
  CHECK(message.text == "/start");
  const auto& press = std::get<ButtonPress>(batch.updates[1].content);
  CHECK(press.id == "cb1");
  CHECK(press.chat_id == 77);
  CHECK(press.message_id == 9);
  CHECK(press.data == "run:disk");
  const auto& change = std::get<MembershipChange>(batch.updates[2].content);
  CHECK(change.status == "kicked");
  CHECK(is_removal(change.status));
  CHECK_FALSE(is_removal("member"));
}

TEST_CASE("odd updates are still acknowledged; junk is skipped", "[updates]") {
  const auto batch = parse(R"([
    {"update_id": 20, "edited_message": {}},
    {"update_id": 21, "message": {"chat": "x"}},
    {"no_id": true},
    "text",
    {"update_id": 3, "message": {"chat": {"id": 1}, "text": "old"}},
    {"update_id": 22, "message": {"chat": {"id": 5}, "text": 42}}
  ])", 10);
  REQUIRE(batch.updates.size() == 3);
  CHECK(std::holds_alternative<std::monostate>(batch.updates[0].content));
  CHECK(std::holds_alternative<std::monostate>(batch.updates[1].content));
  CHECK(std::get<ChatMessage>(batch.updates[2].content).text.empty());
  CHECK(batch.next_offset == 23);
}

TEST_CASE("a result that is not a list is an empty batch at the same offset", "[updates]") {
  CHECK(parse("{}", 5).updates.empty());
  CHECK(parse("{}", 5).next_offset == 5);
  CHECK(parse_updates(nullptr, 9).next_offset == 9);
}

TEST_CASE("long texts are capped", "[updates]") {
  const std::string text(100000, 'a');
  const auto batch = parse(R"([{"update_id": 1, "message": {"chat": {"id": 1}, "text": ")" + text + "\"}}]");
  CHECK(std::get<ChatMessage>(batch.updates[0].content).text.size() == 16 * 1024);
}

TEST_CASE("an update_id that leaves no next offset is skipped", "[updates]") {
  // Found by fuzz/bot_api.cpp: the next offset after INT64_MAX overflowed.
  const auto batch = parse(R"([
    {"update_id": 9223372036854775807, "message": {"chat": {"id": 1}, "text": "x"}},
    {"update_id": 20, "message": {"chat": {"id": 1}, "text": "y"}}
  ])", 10);
  REQUIRE(batch.updates.size() == 1);
  CHECK(batch.updates[0].update_id == 20);
  CHECK(batch.next_offset == 21);
}
