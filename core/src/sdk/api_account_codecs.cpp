#include "notifyd/sdk/api/account_codecs.hpp"

namespace notifyd::sdk::api {
namespace {

void write_string_or_null(JsonWriter& out, const std::string& text) {
  if (text.empty()) {
    out.Null();
  } else {
    write_string(out, text);
  }
}

}  // namespace

void JsonCodec<TelegramLink>::write(JsonWriter& out, const TelegramLink& link) {
  out.StartObject();
  out.Key("linked");
  out.Bool(link.linked);
  out.Key("linked_at");
  write_string_or_null(out, link.linked_at);
  if (link.active) {
    out.Key("active");
    out.Bool(*link.active);
  }
  if (!link.muted_until.empty()) {
    out.Key("muted_until");
    write_string(out, link.muted_until);
  }
  out.EndObject();
}

Status JsonCodec<TelegramLink>::read(const rapidjson::Value& value, const std::string& where, TelegramLink& link) {
  JsonObjectReader in(value, where);
  in.flag("linked", link.linked);
  in.optional_text("linked_at", link.linked_at);
  in.optional_flag("active", link.active);
  in.optional_text("muted_until", link.muted_until);
  return in.status();
}

void JsonCodec<LinkedUser>::write(JsonWriter& out, const LinkedUser& user) {
  out.StartObject();
  out.Key("user");
  write_string(out, user.user);
  out.Key("chat_id");
  out.Int64(user.chat_id);
  out.Key("linked_at");
  write_string(out, user.linked_at);
  out.Key("active");
  out.Bool(user.active);
  out.EndObject();
}

Status JsonCodec<LinkedUser>::read(const rapidjson::Value& value, const std::string& where, LinkedUser& user) {
  JsonObjectReader in(value, where);
  in.text("user", user.user);
  in.integer("chat_id", user.chat_id);
  in.text("linked_at", user.linked_at);
  in.flag("active", user.active);
  return in.status();
}

void JsonCodec<LinkedUserList>::write(JsonWriter& out, const LinkedUserList& list) {
  out.StartObject();
  out.Key("users");
  out.StartArray();
  for (const LinkedUser& user : list.users) JsonCodec<LinkedUser>::write(out, user);
  out.EndArray();
  out.EndObject();
}

Status JsonCodec<LinkedUserList>::read(const rapidjson::Value& value, const std::string& where, LinkedUserList& list) {
  JsonObjectReader in(value, where);
  in.list("users", list.users);
  return in.status();
}

void JsonCodec<TelegramBot>::write(JsonWriter& out, const TelegramBot& bot) {
  out.StartObject();
  out.Key("configured");
  out.Bool(bot.configured);
  out.Key("username");
  write_string_or_null(out, bot.username);
  out.Key("url");
  write_string_or_null(out, bot.url);
  out.EndObject();
}

Status JsonCodec<TelegramBot>::read(const rapidjson::Value& value, const std::string& where, TelegramBot& bot) {
  JsonObjectReader in(value, where);
  in.flag("configured", bot.configured);
  in.optional_text("username", bot.username);
  in.optional_text("url", bot.url);
  return in.status();
}

void JsonCodec<LoginLink>::write(JsonWriter& out, const LoginLink& link) {
  out.StartObject();
  out.Key("url");
  write_string(out, link.url);
  out.Key("user");
  write_string(out, link.user);
  out.Key("expires_at");
  write_string(out, link.expires_at);
  out.EndObject();
}

Status JsonCodec<LoginLink>::read(const rapidjson::Value& value, const std::string& where, LoginLink& link) {
  JsonObjectReader in(value, where);
  in.text("url", link.url);
  if (in.status() && link.url.empty()) in.fail("url", "is empty");
  in.text("user", link.user);
  in.text("expires_at", link.expires_at);
  return in.status();
}

void JsonCodec<DesktopToken>::write(JsonWriter& out, const DesktopToken& token) {
  out.StartObject();
  out.Key("token");
  write_string(out, token.token);
  out.Key("user");
  write_string(out, token.user);
  out.Key("expires_at");
  write_string(out, token.expires_at);
  out.Key("url");
  write_string(out, token.url);
  out.EndObject();
}

Status JsonCodec<DesktopToken>::read(const rapidjson::Value& value, const std::string& where, DesktopToken& token) {
  JsonObjectReader in(value, where);
  in.text("token", token.token);
  if (in.status() && token.token.empty()) in.fail("token", "is empty");
  in.text("user", token.user);
  in.text("expires_at", token.expires_at);
  in.text("url", token.url);
  return in.status();
}

}  // namespace notifyd::sdk::api
