// Request targets and form bodies: the sdk::http server's parser (Boost.URL),
// the one every plugin's server uses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/http/request_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto target = notifyd::sdk::http::parse_request_target(text)) {
    FUZZ_CHECK(!target->path.empty() && target->path.front() == '/');
    FUZZ_CHECK(target->path.find('\0') == std::string::npos);
    FUZZ_CHECK(target->query.size() <= notifyd::sdk::http::max_form_fields);
    for (const auto& [name, value] : target->query) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  if (const auto form = notifyd::sdk::http::parse_form(text)) {
    FUZZ_CHECK(form->size() <= notifyd::sdk::http::max_form_fields);
    for (const auto& [name, value] : *form) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  return 0;
}
