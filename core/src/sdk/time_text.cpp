#include "notifyd/sdk/time_text.hpp"

#include <cstdio>

namespace notifyd::sdk {
namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;
constexpr std::int64_t day_ms = 24 * hour_ms;

std::int64_t unit_ms(AgeUnit unit) { return unit == AgeUnit::second ? 1000 : minute_ms; }

// `span_ms` is a whole number of `unit`s, at least one.
std::string span_text(std::int64_t span_ms) {
  if (span_ms < minute_ms) return std::to_string(span_ms / 1000) + "s";
  if (span_ms < hour_ms) return std::to_string(span_ms / minute_ms) + "m";
  if (span_ms < 2 * day_ms) return std::to_string(span_ms / hour_ms) + "h";
  return std::to_string(span_ms / day_ms) + "d";
}

}  // namespace

std::string time_ago(std::int64_t then_ms, std::int64_t now_ms, AgeUnit unit) {
  const std::int64_t step = unit_ms(unit);
  const std::int64_t span = then_ms < now_ms ? (now_ms - then_ms) / step * step : 0;
  if (span == 0) return "just now";
  return span_text(span) + " ago";
}

std::string time_until(std::int64_t at_ms, std::int64_t now_ms, AgeUnit unit) {
  if (at_ms <= now_ms) return "due";
  const std::int64_t step = unit_ms(unit);
  const std::int64_t span = (at_ms - now_ms + step - 1) / step * step;
  return "in " + span_text(span);
}

std::string readable_duration(std::int64_t milliseconds, DurationStyle style) {
  if (milliseconds < 0) milliseconds = 0;
  char text[64];
  if (milliseconds < 1000) {
    std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(milliseconds));
  } else if (milliseconds < minute_ms) {
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(milliseconds) / 1000.0);
  } else {
    const long long seconds = milliseconds / 1000;
    std::snprintf(text, sizeof text, style == DurationStyle::compact ? "%lldm%02llds" : "%lld min %lld s", seconds / 60,
                  seconds % 60);
  }
  return text;
}

}  // namespace notifyd::sdk
