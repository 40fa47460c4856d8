#include "notifyd/sdk/api/account_codecs.hpp"

namespace notifyd::sdk::api {
namespace {

constexpr auto link_members = [](auto& m, auto& link) {
  m.flag("linked", link.linked);
  m.text_or_null("linked_at", link.linked_at);
  m.optional_flag("active", link.active);
  m.optional_text("muted_until", link.muted_until);
};

constexpr auto linked_user_members = [](auto& m, auto& user) {
  m.text("user", user.user);
  m.integer("chat_id", user.chat_id);
  m.text("linked_at", user.linked_at);
  m.flag("active", user.active);
};

constexpr auto user_list_members = [](auto& m, auto& list) { m.list("users", list.users); };

constexpr auto bot_members = [](auto& m, auto& bot) {
  m.flag("configured", bot.configured);
  m.text_or_null("username", bot.username);
  m.text_or_null("url", bot.url);
};

// A link or token that is empty signs nobody in.
constexpr auto login_link_members = [](auto& m, auto& link) {
  m.nonempty_text("url", link.url);
  m.text("user", link.user);
  m.text("expires_at", link.expires_at);
};

constexpr auto token_members = [](auto& m, auto& token) {
  m.nonempty_text("token", token.token);
  m.text("user", token.user);
  m.text("expires_at", token.expires_at);
  m.text("url", token.url);
};

}  // namespace

void JsonCodec<TelegramLink>::write(JsonWriter& out, const TelegramLink& value) { write_object(out, value, link_members); }
Status JsonCodec<TelegramLink>::read(const rapidjson::Value& value, const std::string& where, TelegramLink& out) {
  return read_object(value, where, out, link_members);
}

void JsonCodec<LinkedUser>::write(JsonWriter& out, const LinkedUser& value) {
  write_object(out, value, linked_user_members);
}
Status JsonCodec<LinkedUser>::read(const rapidjson::Value& value, const std::string& where, LinkedUser& out) {
  return read_object(value, where, out, linked_user_members);
}

void JsonCodec<LinkedUserList>::write(JsonWriter& out, const LinkedUserList& value) {
  write_object(out, value, user_list_members);
}
Status JsonCodec<LinkedUserList>::read(const rapidjson::Value& value, const std::string& where, LinkedUserList& out) {
  return read_object(value, where, out, user_list_members);
}

void JsonCodec<TelegramBot>::write(JsonWriter& out, const TelegramBot& value) { write_object(out, value, bot_members); }
Status JsonCodec<TelegramBot>::read(const rapidjson::Value& value, const std::string& where, TelegramBot& out) {
  return read_object(value, where, out, bot_members);
}

void JsonCodec<LoginLink>::write(JsonWriter& out, const LoginLink& value) { write_object(out, value, login_link_members); }
Status JsonCodec<LoginLink>::read(const rapidjson::Value& value, const std::string& where, LoginLink& out) {
  return read_object(value, where, out, login_link_members);
}

void JsonCodec<DesktopToken>::write(JsonWriter& out, const DesktopToken& value) { write_object(out, value, token_members); }
Status JsonCodec<DesktopToken>::read(const rapidjson::Value& value, const std::string& where, DesktopToken& out) {
  return read_object(value, where, out, token_members);
}

}  // namespace notifyd::sdk::api
