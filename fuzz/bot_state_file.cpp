// Reading the bot's state document (update offset, mutes, queued replies and runs).
// Whatever parses is written back in a form that reads back to the same
// thing: writing what was read from the written text gives that text again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "plugins/telegram/bot_state.hpp"

namespace tg = notifyd::telegram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = tg::parse_bot_state(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  const auto written = tg::serialize_bot_state(parsed.value());
  const auto again = tg::parse_bot_state(written);
  FUZZ_CHECK(again);
  FUZZ_CHECK(tg::serialize_bot_state(again.value()) == written);
  return 0;
}
