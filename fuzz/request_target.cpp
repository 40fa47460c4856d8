// Request targets and form bodies: the socket API's parser and the SDK's
// (sdk::http, which the dashboard uses). The SDK accepts a subset of what the
// socket API accepts (it also caps the number of fields) and must decode it the same way.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "plugins/socket/http_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto socket = notifyd::socket_api::parse_request_target(text);
  const auto web = notifyd::sdk::http::parse_request_target(text);
  if (socket) FUZZ_CHECK(socket->path.find('\0') == std::string_view::npos);
  if (web) {
    FUZZ_CHECK(socket.has_value());
    FUZZ_CHECK(web->path == socket->path);
    FUZZ_CHECK(web->query == socket->query);
  }
  if (const auto form = notifyd::sdk::http::parse_form(text)) {
    FUZZ_CHECK(form->size() <= 64);
    for (const auto& [name, value] : *form) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  return 0;
}
