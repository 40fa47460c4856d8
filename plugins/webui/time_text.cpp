#include "time_text.hpp"

#include <cstdio>

namespace notifyd::webui {

std::string readable_duration(std::int64_t ms) {
  if (ms < 0) ms = 0;
  char text[64];
  if (ms < 1000) {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  } else {
    const long long seconds = ms / 1000;
    std::snprintf(text, sizeof text, "%lld min %lld s", seconds / 60, seconds % 60);
  }
  return text;
}

}  // namespace notifyd::webui
