#include "client_message.hpp"

#include <charconv>
#include <cmath>

#include <rapidjson/document.h>

#include "jwt.hpp"
#include "notifyd/sdk/json.hpp"
#include "server_message.hpp"

namespace notifyd::websocket {
namespace {

ClientMessage invalid(std::string_view error, std::string reason = {}) {
  ClientMessage message;
  message.error = error;
  message.reason = std::move(reason);
  return message;
}

// `since` as a notification id: a non-negative integer (a whole float is
// accepted too), or the id as a frame carries it, a string of digits.
std::optional<std::uint64_t> notification_id(const rapidjson::Value& value) {
  if (value.IsUint64()) return value.GetUint64();
  if (value.IsString()) {
    const std::string_view text(value.GetString(), value.GetStringLength());
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (!text.empty() && ec == std::errc{} && end == text.data() + text.size()) return id;
    return std::nullopt;
  }
  if (value.IsDouble()) {
    const double d = value.GetDouble();
    if (std::isfinite(d) && d >= 0 && d < 1.8e19 && std::floor(d) == d) return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  rapidjson::Document document;
  if (!sdk::parse_json(text, document)) return invalid(auth_error_text::invalid_json);
  if (!document.IsObject()) return invalid(auth_error_text::expected_auth, "not a JSON object");
  const auto type = document.FindMember("type");
  if (type == document.MemberEnd() || !type->value.IsString()) {
    return invalid(auth_error_text::expected_auth, "no \"type\"");
  }
  const std::string_view name(type->value.GetString(), type->value.GetStringLength());

  ClientMessage message;
  if (name == "pong") {
    message.type = ClientMessage::Type::pong;
  } else if (name == "ping") {
    message.type = ClientMessage::Type::ping;
  } else if (name == "auth") {
    const auto token = document.FindMember("token");
    if (token == document.MemberEnd() || !token->value.IsString() || token->value.GetStringLength() == 0) {
      return invalid(auth_error_text::expected_auth, "no \"token\" string");
    }
    const std::string_view value(token->value.GetString(), token->value.GetStringLength());
    message.token.assign(value.substr(0, max_token_bytes + 1));
    if (const auto since = document.FindMember("since"); since != document.MemberEnd() && !since->value.IsNull()) {
      message.since = notification_id(since->value);
      if (!message.since) {
        return invalid(auth_error_text::expected_auth,
                       "\"since\" must be a notification id: a number or a string of digits");
      }
    }
    message.type = ClientMessage::Type::auth;
  } else {
    message.type = ClientMessage::Type::unknown;
  }
  return message;
}

}  // namespace notifyd::websocket
