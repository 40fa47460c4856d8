#include "time_text.hpp"

#include <chrono>
#include <ctime>

namespace notifyd::telegram {
namespace {

std::string utc_format(std::int64_t unix_ms, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) return {};
  char text[40];
  const std::size_t length = std::strftime(text, sizeof text, format, &utc);
  return std::string(text, length);
}

std::string span_text(std::int64_t ms) {
  const std::int64_t minutes = ms / 60000;
  if (minutes < 60) return std::to_string(minutes < 1 ? 1 : minutes) + "m";
  if (minutes < 48 * 60) return std::to_string(minutes / 60) + "h";
  return std::to_string(minutes / (24 * 60)) + "d";
}

}  // namespace

std::string iso_utc(std::int64_t unix_ms) { return utc_format(unix_ms, "%Y-%m-%dT%H:%M:%SZ"); }

std::string readable_utc(std::int64_t unix_ms) { return utc_format(unix_ms, "%Y-%m-%d %H:%M UTC"); }

std::string age_text(std::int64_t elapsed_ms) {
  if (elapsed_ms < 60000) return "just now";
  return span_text(elapsed_ms) + " ago";
}

std::string countdown_text(std::int64_t remaining_ms) {
  if (remaining_ms <= 0) return "now";
  return "in " + span_text(remaining_ms);
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace notifyd::telegram
