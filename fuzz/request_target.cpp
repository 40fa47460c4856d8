// Request targets and form bodies: the sdk::http server's parser (Boost.URL)
// and the dashboard's own. Where both accept a target they must decode it the
// same way.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "plugins/webui/http_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto sdk = notifyd::sdk::http::parse_request_target(text);
  const auto web = notifyd::webui::parse_request_target(text);
  if (sdk) {
    FUZZ_CHECK(sdk->path.find('\0') == std::string::npos);
    FUZZ_CHECK(sdk->query.size() <= notifyd::sdk::http::max_form_fields);
    for (const auto& [name, value] : sdk->query) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  if (web && sdk) {
    FUZZ_CHECK(web->path == sdk->path);
    FUZZ_CHECK(web->query == sdk->query);
  }
  if (const auto form = notifyd::sdk::http::parse_form(text)) {
    FUZZ_CHECK(form->size() <= notifyd::sdk::http::max_form_fields);
    for (const auto& [name, value] : *form) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  if (const auto form = notifyd::webui::parse_form(text)) {
    FUZZ_CHECK(form->size() <= 64);
    for (const auto& [name, value] : *form) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
  }
  return 0;
}
