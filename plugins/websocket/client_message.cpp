#include "client_message.hpp"

#include <cmath>

#include <rapidjson/document.h>

#include "jwt.hpp"

namespace notifyd::websocket {
namespace {

ClientMessage invalid(std::string error) {
  ClientMessage message;
  message.error = std::move(error);
  return message;
}

// `since` as a notification id: a non-negative integer (a whole float is accepted too).
std::optional<std::uint64_t> notification_id(const rapidjson::Value& value) {
  if (value.IsUint64()) return value.GetUint64();
  if (value.IsDouble()) {
    const double d = value.GetDouble();
    if (std::isfinite(d) && d >= 0 && d < 1.8e19 && std::floor(d) == d) return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::Document document;
  document.Parse<flags>(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject()) return invalid("Invalid message");
  const auto type = document.FindMember("type");
  if (type == document.MemberEnd() || !type->value.IsString()) return invalid("Invalid message");
  const std::string_view name(type->value.GetString(), type->value.GetStringLength());

  ClientMessage message;
  if (name == "pong") {
    message.type = ClientMessage::Type::pong;
  } else if (name == "ping") {
    message.type = ClientMessage::Type::ping;
  } else if (name == "auth") {
    const auto token = document.FindMember("token");
    if (token == document.MemberEnd() || !token->value.IsString()) return invalid("Missing token");
    const std::string_view value(token->value.GetString(), token->value.GetStringLength());
    message.token.assign(value.substr(0, max_token_bytes + 1));
    if (const auto since = document.FindMember("since"); since != document.MemberEnd() && !since->value.IsNull()) {
      message.since = notification_id(since->value);
      if (!message.since) return invalid("Invalid since");
    }
    message.type = ClientMessage::Type::auth;
  } else {
    message.type = ClientMessage::Type::unknown;
  }
  return message;
}

}  // namespace notifyd::websocket
