// A request as the HTTP front-ends read it: Boost.Beast's parser with the
// sdk::http server's limits, then the target and the session cookie, the way
// the server and the dashboard look at them. The input is the raw bytes a client sends.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "notifyd/sdk/http/server_settings.hpp"
#include "plugins/webui/cookies.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint64_t body_limit = 64 * 1024;
  http::request_parser<http::string_body> parser;
  parser.header_limit(notifyd::sdk::http::header_limit_bytes);
  parser.body_limit(body_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (!parser.is_done() && offset < size) {
    const auto used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
    offset += used;
    if (ec || used == 0) break;
  }
  if (!ec && parser.got_some() && !parser.is_done() && offset == size) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;
  const auto& request = parser.get();
  const std::string_view target(request.target().data(), request.target().size());
  if (const auto parsed = notifyd::sdk::http::parse_request_target(target)) {
    FUZZ_CHECK(!target.empty() && target.front() == '/');
  }
  const auto cookie = request[http::field::cookie];
  (void)notifyd::webui::cookie_value(std::string_view(cookie.data(), cookie.size()),
                                     notifyd::webui::session_cookie_name(false));
  if (parser.is_done() && !ec) FUZZ_CHECK(request.body().size() <= body_limit);
  return 0;
}
