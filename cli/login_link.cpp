#include "login_link.hpp"

#include <rapidjson/document.h>

#include "terminal_text.hpp"

namespace notifyctl {
namespace {

std::string string_field(const rapidjson::Document& document, const char* name) {
  const auto member = document.FindMember(name);
  if (member == document.MemberEnd() || !member->value.IsString()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

}  // namespace

std::variant<LoginLink, DecodeError> decode_login_link(std::string_view body) {
  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::Document document;
  document.Parse<flags>(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return DecodeError{"unexpected answer from notifyd: not a JSON object"};
  LoginLink link;
  link.url = string_field(document, "url");
  if (link.url.empty()) return DecodeError{"unexpected answer from notifyd: no \"url\""};
  link.user = string_field(document, "user");
  link.expires_at = string_field(document, "expires_at");
  return link;
}

std::string login_link_text(const LoginLink& link) {
  std::string text = "Open this link in your browser to sign in";
  if (!link.user.empty()) text += " as " + printable_line(link.user);
  text += ":\n\n  " + printable_line(link.url) + "\n\n";
  text += "It works once";
  if (!link.expires_at.empty()) text += " and expires at " + printable_line(link.expires_at);
  return text + ". Do not share it.\n";
}

std::string login_refusal_hint(unsigned status) {
  if (status == 404) return "this daemon has no web dashboard that signs in with links (webui with auth = \"link\")";
  return {};
}

}  // namespace notifyctl
