// Reading the bot's state document (update offset, mutes, queued replies and runs).
// Whatever parses is written back in a form that reads back the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/written_form.hpp"
#include "plugins/telegram/bot_state.hpp"

namespace tg = notifyd::telegram;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  notifyd::fuzz::check_written_form(std::string_view(reinterpret_cast<const char*>(data), size),
                                    [](std::string_view text) { return tg::parse_bot_state(text); },
                                    [](const auto& value) { return tg::serialize_bot_state(value); });
  return 0;
}
