#include "time_text.hpp"

#include <cstdio>

namespace notifyctl {
namespace {

std::string span_text(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

}  // namespace

std::string time_ago(std::int64_t then_ms, std::int64_t now_ms) {
  const std::int64_t seconds = (now_ms - then_ms) / 1000;
  if (seconds < 1) return "just now";
  return span_text(seconds) + " ago";
}

std::string time_until(std::int64_t at_ms, std::int64_t now_ms) {
  const std::int64_t seconds = (at_ms - now_ms + 999) / 1000;
  if (seconds <= 0) return "due";
  return "in " + span_text(seconds);
}

std::string duration_text(std::int64_t milliseconds) {
  if (milliseconds < 1000) return std::to_string(milliseconds) + " ms";
  if (milliseconds < 60'000) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(milliseconds) / 1000.0);
    return text;
  }
  const std::int64_t seconds = milliseconds / 1000;
  char text[32];
  std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(seconds / 60),
                static_cast<long long>(seconds % 60));
  return text;
}

}  // namespace notifyctl
