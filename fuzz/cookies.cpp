// The dashboard's `Cookie:` header reader. The input is `<name>\n<header>`.
// A value found is a slice of the header without `;`, never padded with
// blanks (unless quoted); a session value the dashboard writes in Set-Cookie
// reads back unchanged.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "plugins/webui/cookies.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view name = newline == std::string_view::npos ? notifyd::webui::session_cookie_name(false)
                                                                 : input.substr(0, newline);
  const std::string_view header = newline == std::string_view::npos ? input : input.substr(newline + 1);
  const auto value = notifyd::webui::cookie_value(header, name);
  if (!value) return 0;
  FUZZ_CHECK(value->data() >= header.data() && value->data() + value->size() <= header.data() + header.size());
  FUZZ_CHECK(value->find(';') == std::string_view::npos);
  const bool was_quoted = value->data() > header.data() && value->data()[-1] == '"';
  if (!value->empty() && !was_quoted) {
    FUZZ_CHECK(value->front() != ' ' && value->front() != '\t');
    FUZZ_CHECK(value->back() != ' ' && value->back() != '\t');
  }
  // A value the dashboard writes as Set-Cookie (RFC 6265 cookie-octets, as
  // its session tokens are) reads back unchanged.
  const bool cookie_octets = std::all_of(value->begin(), value->end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
  });
  if (cookie_octets) {
    for (const bool secure : {false, true}) {
      const auto written = notifyd::webui::session_cookie(*value, secure, std::chrono::seconds(60));
      FUZZ_CHECK(notifyd::webui::cookie_value(written, notifyd::webui::session_cookie_name(secure)) == *value);
    }
  }
  return 0;
}
