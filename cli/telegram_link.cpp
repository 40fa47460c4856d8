#include "telegram_link.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api_requests.hpp"
#include "terminal_text.hpp"

namespace notifyctl {

bool is_link_code(std::string_view code) {
  return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string link_request_body(const std::optional<std::string>& code, const std::optional<std::string>& user) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteValidateEncodingFlag>
      writer(buffer);
  writer.StartObject();
  if (code) {
    writer.Key("code");
    writer.String(code->data(), static_cast<rapidjson::SizeType>(code->size()));
  }
  if (user) {
    writer.Key("user");
    writer.String(user->data(), static_cast<rapidjson::SizeType>(user->size()));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string link_status_target(const std::optional<std::string>& user) {
  std::string target = "/api/telegram/status";
  if (user) target += "?user=" + percent_encode(*user);
  return target;
}

std::variant<LinkState, DecodeError> decode_link_state(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) {
    return DecodeError{"unexpected answer from notifyd: not a JSON object"};
  }
  const auto text = [&](const char* name) -> std::string {
    const auto found = document.FindMember(name);
    if (found == document.MemberEnd() || !found->value.IsString()) return {};
    return {found->value.GetString(), found->value.GetStringLength()};
  };
  const auto flag = [&](const char* name) -> std::optional<bool> {
    const auto found = document.FindMember(name);
    if (found == document.MemberEnd() || !found->value.IsBool()) return std::nullopt;
    return found->value.GetBool();
  };
  LinkState state;
  state.linked = flag("linked").value_or(false);
  state.linked_at = text("linked_at");
  state.active = flag("active");
  state.muted_until = text("muted_until");
  return state;
}

std::optional<bool> decode_bot_enabled(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  const auto found = document.FindMember("configured");
  if (found == document.MemberEnd() || !found->value.IsBool()) return std::nullopt;
  return found->value.GetBool();
}

std::string link_state_text(const LinkState& state, const std::string& user) {
  const std::string who = user.empty() ? std::string("you") : printable_line(user);
  if (!state.linked && state.bot_enabled == false) {
    return who + (user.empty() ? " are" : " is") +
           " not linked to Telegram, and Telegram is off on this server (the bot has no token): "
           "an admin sets it up first (notifyctl doctor says how)\n";
  }
  if (!state.linked) {
    return who + (user.empty() ? " are" : " is") +
           " not linked to Telegram: send /start to the bot, then run notifyctl link CODE\n";
  }
  std::string text = who + (user.empty() ? " are" : " is") + " linked to Telegram";
  if (!state.linked_at.empty()) text += " since " + printable_line(state.linked_at);
  if (state.active == false) {
    text += " (the bot is blocked in the chat: nothing is delivered)";
  } else if (!state.muted_until.empty()) {
    text += " (muted until " + printable_line(state.muted_until) + ")";
  } else {
    text += " (notifications on)";
  }
  return text + '\n';
}

}  // namespace notifyctl
