#include "iso8601.hpp"

#include <optional>

#include "civil_time.hpp"
#include "text_cursor.hpp"

namespace notifyd::cron {
namespace {

using InstantResult = sdk::Result<std::int64_t>;

// The instant of wall time `local` in `zone`: the first of two in a repeated
// hour, the jump itself for a skipped one.
std::int64_t resolve_wall_time(std::int64_t local, const TimeZone& zone) {
  constexpr std::int64_t widest_offset = 26 * 3600;
  std::optional<std::int64_t> jump;
  std::int64_t from = local - widest_offset;
  for (int visited = 0; visited < 16; ++visited) {
    const OffsetSpan span = zone.span_at(from);
    const std::int64_t candidate = local - span.offset;
    if ((!span.begin || candidate >= *span.begin) && (!span.end || candidate < *span.end)) return candidate;
    if (span.begin && local >= *span.begin + span.offset_before && local < *span.begin + span.offset) {
      jump = *span.begin;
    }
    if (!span.end || *span.end > local + widest_offset) break;
    from = *span.end;
  }
  return jump.value_or(local - zone.offset_at(local));
}

}  // namespace

sdk::Result<std::int64_t> parse_instant(std::string_view text, const TimeZone& zone) {
  const auto invalid = [&text] {
    return InstantResult::failure("\"" + std::string(text.substr(0, 64)) +
                                  "\" is not an ISO-8601 time such as 2026-03-29T01:00:00Z");
  };
  if (text.size() > 64) return invalid();
  TextCursor in(text);
  CivilTime t;
  const auto year = in.digits(4);
  if (!year || !in.consume('-')) return invalid();
  const auto month = in.digits(2);
  if (!month || !in.consume('-')) return invalid();
  const auto day = in.digits(2);
  if (!day) return invalid();
  t.year = *year;
  t.month = *month;
  t.day = *day;
  if (t.year < 1970 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month)) {
    return InstantResult::failure("\"" + std::string(text) + "\" is not a valid date (years 1970-9999)");
  }
  std::optional<std::int64_t> offset;
  if (!in.done()) {
    if (!in.consume('T') && !in.consume(' ')) return invalid();
    const auto hour = in.digits(2);
    if (!hour || !in.consume(':')) return invalid();
    const auto minute = in.digits(2);
    if (!minute) return invalid();
    t.hour = *hour;
    t.minute = *minute;
    if (in.consume(':')) {
      const auto second = in.digits(2);
      if (!second) return invalid();
      t.second = *second;
      if (in.consume('.') || in.consume(',')) in.skip_digits();
    }
    if (t.hour > 23 || t.minute > 59 || t.second > 59) return invalid();
    if (in.consume('Z') || in.consume('z')) {
      offset = 0;
    } else if (in.peek() == '+' || in.peek() == '-') {
      const int sign = in.consume('-') ? -1 : (in.consume('+'), 1);
      const auto hours = in.digits(2);
      if (!hours) return invalid();
      in.consume(':');
      const auto minutes = in.digits(2);
      if (!minutes || *hours > 23 || *minutes > 59) return invalid();
      offset = sign * (*hours * 3600 + *minutes * 60);
    }
    if (!in.done()) return invalid();
  }
  const std::int64_t local = seconds_from_civil(t);
  if (offset) return local - *offset;
  return resolve_wall_time(local, zone);
}

}  // namespace notifyd::cron
