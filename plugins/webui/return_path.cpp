#include "return_path.hpp"

#include "cookies.hpp"
#include "html_text.hpp"
#include "notifyd/sdk/percent_decode.hpp"

namespace notifyd::webui {
namespace {

constexpr std::size_t max_return_path = 2048;

std::string cookie_attributes(bool secure) {
  return std::string("; Path=/login; HttpOnly; SameSite=Lax") + (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> safe_return_path(std::string_view text) {
  if (text.empty() || text.size() > max_return_path || text[0] != '/') return std::nullopt;
  if (text.size() > 1 && (text[1] == '/' || text[1] == '\\')) return std::nullopt;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || u < 0x20 || u == 0x7f) return std::nullopt;
  }
  if (text == "/login" || text.starts_with("/login?") || text.starts_with("/login/")) return std::nullopt;
  return std::string(text);
}

std::optional<std::string> page_return_path(const sdk::HttpRequest& request) {
  std::string target = request.path;
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    target += separator + url_encode(name) + "=" + url_encode(value);
    separator = '&';
  }
  if (target == "/") return std::nullopt;
  return safe_return_path(target);
}

std::string return_cookie(std::string_view path, bool secure) {
  return std::string(return_cookie_name) + "=" + url_encode(path) + cookie_attributes(secure) +
         "; Max-Age=" + std::to_string(return_cookie_lifetime.count());
}

std::string cleared_return_cookie(bool secure) {
  return std::string(return_cookie_name) + "=" + cookie_attributes(secure) + "; Max-Age=0";
}

std::optional<std::string> requested_return_path(const sdk::HttpRequest& request,
                                                 std::optional<std::string_view> next_field) {
  if (!next_field) next_field = request.param("next");
  if (next_field) return safe_return_path(*next_field);
  const auto cookie = cookie_value(request.header("cookie"), return_cookie_name);
  if (!cookie) return std::nullopt;
  const auto decoded = sdk::percent_decode(*cookie, false);
  if (!decoded) return std::nullopt;
  return safe_return_path(*decoded);
}

}  // namespace notifyd::webui
