#include "bot_url.hpp"

namespace notifyd::telegram {

std::string method_url(std::string_view base_url, std::string_view token, std::string_view method) {
  std::string url;
  url.reserve(base_url.size() + token.size() + method.size() + 5);
  url.append(base_url).append("/bot").append(token).append("/").append(method);
  return url;
}

std::string redacted_path(std::string_view method) { return "/bot<redacted>/" + std::string(method); }

std::string redact(std::string text, std::string_view token) {
  if (token.empty()) return text;
  for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos)) {
    text.replace(pos, token.size(), "<redacted>");
  }
  return text;
}

}  // namespace notifyd::telegram
