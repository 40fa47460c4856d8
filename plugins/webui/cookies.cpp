#include "cookies.hpp"

namespace notifyd::webui {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

}  // namespace

std::string_view session_cookie_name(bool secure) noexcept {
  return secure ? "__Host-notifyd_session" : "notifyd_session";
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) noexcept {
  for (int seen = 0; !header.empty() && seen < 64; ++seen) {
    const auto semicolon = header.find(';');
    const std::string_view pair = header.substr(0, semicolon);
    header = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    if (trim(pair.substr(0, equals)) != name) continue;
    std::string_view value = trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view value, bool secure, std::chrono::seconds max_age) {
  return std::string(session_cookie_name(secure)) + "=" + std::string(value) + attributes(secure) +
         "; Max-Age=" + std::to_string(max_age.count());
}

std::string cleared_session_cookie(bool secure) {
  return std::string(session_cookie_name(secure)) + "=" + attributes(secure) + "; Max-Age=0";
}

}  // namespace notifyd::webui
