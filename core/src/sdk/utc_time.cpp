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

struct UtcFields {
  std::tm tm{};
  int millis = 0;
};

UtcFields split_utc(std::int64_t epoch_ms) {
  epoch_ms = std::clamp(epoch_ms, earliest_ms, latest_ms);
  std::int64_t seconds = epoch_ms / 1000;
  std::int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  UtcFields fields;
  fields.millis = static_cast<int>(millis);
  const auto t = static_cast<std::time_t>(seconds);
  ::gmtime_r(&t, &fields.tm);
  return fields;
}

std::optional<int> digits_at(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

}  // namespace

std::string format_utc_timestamp(std::int64_t epoch_ms, SecondFraction fraction) {
  const UtcFields utc = split_utc(epoch_ms);
  char text[40];
  const int length =
      fraction == SecondFraction::milliseconds
          ? std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm.tm_year + 1900,
                          utc.tm.tm_mon + 1, utc.tm.tm_mday, utc.tm.tm_hour, utc.tm.tm_min, utc.tm.tm_sec, utc.millis)
          : std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm.tm_year + 1900, utc.tm.tm_mon + 1,
                          utc.tm.tm_mday, utc.tm.tm_hour, utc.tm.tm_min, utc.tm.tm_sec);
  return std::string(text, static_cast<std::size_t>(length));
}

std::string format_utc_readable(std::int64_t epoch_ms) {
  const UtcFields utc = split_utc(epoch_ms);
  char text[40];
  const int length = std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d UTC", utc.tm.tm_year + 1900,
                                   utc.tm.tm_mon + 1, utc.tm.tm_mday, utc.tm.tm_hour, utc.tm.tm_min);
  return std::string(text, static_cast<std::size_t>(length));
}

std::optional<std::int64_t> parse_utc_timestamp(std::string_view text) {
  const auto year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
  const auto hour = digits_at(text, 11, 2), minute = digits_at(text, 14, 2), second = digits_at(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month) || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    const std::size_t first = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - first < 3) millis = millis * 10 + (text[at] - '0');
      ++at;
    }
    if (at == first) return std::nullopt;
    for (std::size_t kept = at - first; kept < 3; ++kept) millis *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto offset_hours = digits_at(text, at + 1, 2), offset_minutes = digits_at(text, at + 4, 2);
    if (!offset_hours || !offset_minutes || text[at + 3] != ':' || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (*offset_hours * 60 + *offset_minutes) * 60;
    if (text[at] == '-') offset_seconds = -offset_seconds;
    at += 6;
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 + *hour * 3600 +
      *minute * 60 + *second - offset_seconds;
  return seconds * 1000 + millis;
}

std::int64_t now_epoch_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace notifyd::sdk
