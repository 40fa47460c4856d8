// Reading the seed's `pending_codes.json` (verification codes waiting to be entered).
// Whatever parses is written back in a form that reads back the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/written_form.hpp"
#include "plugins/telegram/verification_codes.hpp"

namespace tg = notifyd::telegram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  notifyd::fuzz::check_written_form(std::string_view(reinterpret_cast<const char*>(data), size),
                                    [](std::string_view text) { return tg::parse_pending_codes(text); },
                                    [](const auto& value) { return tg::serialize_pending_codes(value); });
  return 0;
}
