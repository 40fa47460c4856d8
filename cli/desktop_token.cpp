#include "desktop_token.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "terminal_text.hpp"

namespace notifyctl {
namespace {

std::string string_field(const rapidjson::Document& document, const char* name) {
  const auto member = document.FindMember(name);
  if (member == document.MemberEnd() || !member->value.IsString()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

}  // namespace

std::string desktop_token_request_body(const std::string* user) {
  if (user == nullptr) return "{}";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("user");
  writer.String(user->data(), static_cast<rapidjson::SizeType>(user->size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::variant<DesktopToken, DecodeError> decode_desktop_token(std::string_view body) {
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::Document document;
  document.Parse<flags>(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return DecodeError{"unexpected answer from notifyd: not a JSON object"};
  DesktopToken token;
  token.token = string_field(document, "token");
  if (token.token.empty()) return DecodeError{"unexpected answer from notifyd: no \"token\""};
  token.user = string_field(document, "user");
  token.expires_at = string_field(document, "expires_at");
  token.url = string_field(document, "url");
  return token;
}

std::string desktop_token_text(const DesktopToken& token) {
  std::string text = "Token:    " + printable_line(token.token) + "\n";
  if (!token.user.empty()) text += "User:     " + printable_line(token.user) + "\n";
  if (!token.expires_at.empty()) text += "Expires:  " + printable_line(token.expires_at) + "\n";
  if (!token.url.empty()) text += "Server:   " + printable_line(token.url) + "\n";
  return text;
}

}  // namespace notifyctl
