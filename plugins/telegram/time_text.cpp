#include "time_text.hpp"

namespace notifyd::telegram {
namespace {

std::string span_text(std::int64_t ms) {
  const std::int64_t minutes = ms / 60000;
  if (minutes < 60) return std::to_string(minutes < 1 ? 1 : minutes) + "m";
  if (minutes < 48 * 60) return std::to_string(minutes / 60) + "h";
  return std::to_string(minutes / (24 * 60)) + "d";
}

}  // namespace

std::string age_text(std::int64_t elapsed_ms) {
  if (elapsed_ms < 60000) return "just now";
  return span_text(elapsed_ms) + " ago";
}

std::string countdown_text(std::int64_t remaining_ms) {
  if (remaining_ms <= 0) return "now";
  return "in " + span_text(remaining_ms);
}

}  // namespace notifyd::telegram
