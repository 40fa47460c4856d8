#include "security_headers.hpp"

#include <algorithm>

#include <boost/beast/core/string.hpp>

namespace notifyd::webui {

void add_security_headers(sdk::HttpResponse& response, bool tls) {
  auto& headers = response.headers;
  const bool decorated = std::any_of(headers.begin(), headers.end(), [](const auto& header) {
    return boost::beast::iequals(header.first, "Content-Security-Policy") && header.second == content_security_policy;
  });
  if (decorated) return;
  const bool has_cache_control = std::any_of(headers.begin(), headers.end(), [](const auto& header) {
    return boost::beast::iequals(header.first, "Cache-Control");
  });
  if (!has_cache_control) headers.emplace_back("Cache-Control", "no-store");
  headers.emplace_back("Content-Security-Policy", content_security_policy);
  headers.emplace_back("X-Content-Type-Options", "nosniff");
  headers.emplace_back("X-Frame-Options", "DENY");
  headers.emplace_back("Referrer-Policy", "same-origin");
  headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  if (tls) headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace notifyd::webui
