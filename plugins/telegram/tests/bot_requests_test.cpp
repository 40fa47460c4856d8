#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "bot_requests.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::TextFormat;

namespace {

rapidjson::Document parsed(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  REQUIRE_FALSE(document.HasParseError());
  return document;
}

}  // namespace

TEST_CASE("sendMessage carries text, parse mode and keyboard", "[bot_requests]") {
  OutgoingMessage message;
  message.chat_id = -100123;
  message.body = {"*T*\nbody \"quoted\"", TextFormat::markdown, 0};
  message.fallback = ComposedText{"T\nbody \"quoted\"", TextFormat::plain, 1};
  message.reply_markup = inline_keyboard({{"Run disk", "run:disk"}});
  const auto body = parsed(send_message_body(message, false));
  CHECK(body["chat_id"].GetInt64() == -100123);
  CHECK(std::string(body["text"].GetString()) == "*T*\nbody \"quoted\"");
  CHECK(std::string(body["parse_mode"].GetString()) == "Markdown");
  CHECK_FALSE(body.HasMember("entities"));
  CHECK(std::string(body["reply_markup"]["inline_keyboard"][0][0]["callback_data"].GetString()) == "run:disk");

  const auto fallback = parsed(send_message_body(message, true));
  CHECK_FALSE(fallback.HasMember("parse_mode"));
  CHECK(std::string(fallback["text"].GetString()) == "T\nbody \"quoted\"");
  CHECK(std::string(fallback["entities"][0]["type"].GetString()) == "bold");
  CHECK(fallback["entities"][0]["length"].GetInt() == 1);
}

TEST_CASE("sendPhoto fields name the caption and its mode", "[bot_requests]") {
  OutgoingMessage photo;
  photo.kind = OutgoingMessage::Kind::photo;
  photo.chat_id = 5;
  photo.body = {"<b>T</b>", TextFormat::html, 0};
  const auto fields = send_photo_fields(photo, false);
  REQUIRE(fields.size() == 3);
  CHECK(fields[0] == std::pair<std::string, std::string>{"chat_id", "5"});
  CHECK(fields[1] == std::pair<std::string, std::string>{"caption", "<b>T</b>"});
  CHECK(fields[2] == std::pair<std::string, std::string>{"parse_mode", "HTML"});
  photo.body = {"", TextFormat::plain, 0};
  CHECK(send_photo_fields(photo, false).size() == 1);
}

TEST_CASE("a silent message asks for disable_notification as a Boolean; others leave it out", "[bot_requests]") {
  OutgoingMessage message;
  message.chat_id = 5;
  message.body = {"t", TextFormat::plain, 0};
  CHECK_FALSE(parsed(send_message_body(message, false)).HasMember("disable_notification"));
  message.silent = true;
  const auto body = parsed(send_message_body(message, false));
  REQUIRE(body["disable_notification"].IsBool());
  CHECK(body["disable_notification"].GetBool());

  message.kind = OutgoingMessage::Kind::photo;
  const auto fields = send_photo_fields(message, false);
  CHECK(fields.back() == std::pair<std::string, std::string>{"disable_notification", "true"});
  message.silent = false;
  for (const auto& field : send_photo_fields(message, false)) CHECK(field.first != "disable_notification");
}

TEST_CASE("getUpdates asks for the update kinds the bot handles", "[bot_requests]") {
  const auto body = parsed(get_updates_body(42, 30));
  CHECK(body["offset"].GetInt64() == 42);
  CHECK(body["timeout"].GetInt() == 30);
  REQUIRE(body["allowed_updates"].Size() == 3);
  CHECK(std::string(body["allowed_updates"][2].GetString()) == "my_chat_member");
}

TEST_CASE("bodies stay valid JSON whatever the text", "[bot_requests]") {
  const auto answer = parsed(answer_callback_body("q1", "Running \xff…"));
  CHECK(std::string(answer["callback_query_id"].GetString()) == "q1");
  const auto edit = parsed(edit_message_text_body(1, 2, "x\"\\\n", ""));
  CHECK(std::string(edit["text"].GetString()) == "x\"\\\n");
}
