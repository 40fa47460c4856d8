#include "time_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace notifyd::webui {
namespace {

bool split(std::int64_t epoch_ms, std::tm& tm, int& millis) {
  std::int64_t seconds = epoch_ms / 1000;
  std::int64_t rest = epoch_ms % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  millis = static_cast<int>(rest);
  const auto t = static_cast<std::time_t>(seconds);
  return ::gmtime_r(&t, &tm) != nullptr;
}

}  // namespace

std::string iso_utc(std::int64_t epoch_ms) {
  std::tm tm{};
  int millis = 0;
  if (!split(epoch_ms, tm, millis)) return "1970-01-01T00:00:00.000Z";
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return text;
}

std::string readable_utc(std::int64_t epoch_ms) {
  std::tm tm{};
  int millis = 0;
  if (!split(epoch_ms, tm, millis)) return "1970-01-01 00:00 UTC";
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min);
  return text;
}

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

std::int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace notifyd::webui
