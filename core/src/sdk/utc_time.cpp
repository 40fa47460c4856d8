#include "notifyd/sdk/utc_time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace notifyd::sdk {
namespace {

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
constexpr std::int64_t earliest_ms = -62'167'219'200'000;
constexpr std::int64_t latest_ms = 253'402'300'799'999;

}  // namespace

std::string format_utc_timestamp(std::int64_t epoch_ms, SecondFraction fraction) {
  epoch_ms = std::clamp(epoch_ms, earliest_ms, latest_ms);
  std::int64_t seconds = epoch_ms / 1000;
  std::int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[40];
  const int date_length = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(text, static_cast<std::size_t>(date_length));
  if (fraction == SecondFraction::milliseconds) {
    std::snprintf(text, sizeof text, ".%03d", static_cast<int>(millis));
    out += text;
  }
  out += 'Z';
  return out;
}

std::int64_t now_epoch_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace notifyd::sdk
