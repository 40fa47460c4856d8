#include "notifyd/sdk/duration.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

namespace notifyd::sdk {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  using R = Result<std::chrono::milliseconds>;
  const auto bad = [&] {
    return R::failure("\"" + std::string(text) +
                      "\" is not a duration; write a number and a unit, e.g. 250ms, 30s, 5m, 1h, 1d or 1h30m");
  };
  if (text.empty() || text.size() > 64) return bad();
  std::int64_t total_ms = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), number);
    if (ec != std::errc{} || number < 0) return bad();
    pos = static_cast<std::size_t>(end - text.data());
    std::int64_t unit_ms = 0;
    if (text.substr(pos, 2) == "ms") {
      unit_ms = 1;
      pos += 2;
    } else if (pos < text.size()) {
      switch (text[pos]) {
        case 's': unit_ms = 1000; break;
        case 'm': unit_ms = 60'000; break;
        case 'h': unit_ms = 3'600'000; break;
        case 'd': unit_ms = 86'400'000; break;
        default: return bad();
      }
      ++pos;
    } else {
      return bad();
    }
    if (number > (std::numeric_limits<std::int64_t>::max() - total_ms) / unit_ms) {
      return R::failure("\"" + std::string(text) + "\" is too long a duration");
    }
    total_ms += number * unit_ms;
  }
  return std::chrono::milliseconds{total_ms};
}

std::string format_duration(std::chrono::milliseconds value) {
  std::int64_t ms = value.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  struct Unit { std::int64_t ms; const char* suffix; };
  for (const Unit unit : {Unit{86'400'000, "d"}, Unit{3'600'000, "h"}, Unit{60'000, "m"}, Unit{1000, "s"}, Unit{1, "ms"}}) {
    if (ms >= unit.ms) {
      out += std::to_string(ms / unit.ms) + unit.suffix;
      ms %= unit.ms;
    }
  }
  return out;
}

}  // namespace notifyd::sdk
