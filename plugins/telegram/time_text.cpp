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

std::optional<std::int64_t> parse_iso_utc(std::string_view text) {
  const auto digits = [&](std::size_t at, std::size_t count) -> std::optional<int> {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  const auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = *year - 1900;
  utc.tm_mon = *month - 1;
  utc.tm_mday = *day;
  utc.tm_hour = *hour;
  utc.tm_min = *minute;
  utc.tm_sec = *second;
  std::int64_t seconds = timegm(&utc);
  std::size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  }
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const auto hours = digits(i + 1, 2);
    const auto minutes = digits(i + 4, 2);
    if (!hours || !minutes) return std::nullopt;
    const std::int64_t offset = (*hours * 60 + *minutes) * 60;
    seconds += text[i] == '+' ? -offset : offset;
  } else if (i < text.size() && text[i] != 'Z') {
    return std::nullopt;
  }
  return seconds * 1000;
}

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
