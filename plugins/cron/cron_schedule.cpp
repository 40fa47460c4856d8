#include "cron_schedule.hpp"

#include <algorithm>

namespace notifyd::cron {
namespace {

// Offset spans visited before giving up (two per year in a zone with DST).
constexpr int max_spans = 2000;

}  // namespace

CronSchedule::CronSchedule(CronExpression expression, ZoneHandle zone)
    : expression_(std::move(expression)), zone_(std::move(zone)) {}

std::optional<std::int64_t> CronSchedule::next_after(std::int64_t utc) const noexcept {
  if (expression_.is_interval()) return utc + expression_.every.count();
  const bool fixed = expression_.fixed_time;
  std::int64_t from = utc + 1;
  for (int visited = 0; visited < max_spans; ++visited) {
    const OffsetSpan span = zone_->span_at(from);
    const std::int64_t offset = span.offset;
    const std::int64_t before = span.offset_before;
    const bool entered_at_begin = span.begin && *span.begin >= from;
    if (fixed && entered_at_begin && offset > before) {
      // Spring forward: wall times [begin+before, begin+offset) never happen.
      const auto skipped = next_local_match(expression_, *span.begin + before);
      if (skipped && *skipped < *span.begin + offset) return *span.begin;
    }
    std::int64_t local_from = from + offset;
    if (fixed && span.begin && offset < before) {
      // Fall back: wall times before begin+before were already seen.
      local_from = std::max(local_from, *span.begin + before);
    }
    const auto local = next_local_match(expression_, local_from);
    if (!local) return std::nullopt;
    if (!span.end || *local - offset < *span.end) return *local - offset;
    from = *span.end;
  }
  return std::nullopt;
}

sdk::Result<CronSchedule> make_cron_schedule(std::string_view text, const ZoneHandle& default_zone,
                                             const ZoneLoader& load) {
  auto expression = parse_cron_expression(text);
  if (!expression) return sdk::Result<CronSchedule>::failure(expression.error());
  ZoneHandle zone = default_zone;
  if (!expression->zone.empty()) {
    auto loaded = load(expression->zone);
    if (!loaded) {
      return sdk::Result<CronSchedule>::failure("time zone at column " + std::to_string(expression->zone_column) +
                                                ": " + loaded.error());
    }
    zone = loaded.value();
  }
  if (!zone) zone = std::make_shared<const TimeZone>(TimeZone::utc());
  return CronSchedule(std::move(expression.value()), std::move(zone));
}

}  // namespace notifyd::cron
