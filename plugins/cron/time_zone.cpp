#include "time_zone.hpp"

#include <algorithm>

#include "civil_time.hpp"

namespace notifyd::cron {
TimeZone::TimeZone(std::string name, std::int32_t initial_offset, std::vector<OffsetTransition> transitions,
                   std::optional<PosixTzRule> rule)
    : name_(std::move(name)), initial_offset_(initial_offset), rule_(std::move(rule)) {
  std::int32_t previous = initial_offset_;
  for (const auto& transition : transitions) {
    if (transition.offset == previous) continue;
    transitions_.push_back(transition);
    previous = transition.offset;
  }
  if (rule_ && (!rule_->dst_offset || *rule_->dst_offset == rule_->standard_offset)) rule_->dst_offset.reset();
}

TimeZone TimeZone::utc() { return TimeZone("UTC", 0, {}, PosixTzRule{}); }

std::vector<TimeZone::RulePoint> TimeZone::rule_changes_around(std::int64_t utc) const {
  std::vector<RulePoint> points;
  const std::int64_t year = civil_from_seconds(utc).year;
  for (std::int64_t y = year - 2; y <= year + 2; ++y) {
    const auto [start, end] = rule_->transitions_in(y);
    if (start <= end) {
      points.push_back({start, *rule_->dst_offset});
      points.push_back({end, rule_->standard_offset});
    } else {
      points.push_back({end, rule_->standard_offset});
      points.push_back({start, *rule_->dst_offset});
    }
  }
  std::stable_sort(points.begin(), points.end(), [](const RulePoint& a, const RulePoint& b) { return a.at < b.at; });
  std::vector<RulePoint> changes;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i + 1 < points.size() && points[i + 1].at == points[i].at) continue;
    if (!changes.empty() && changes.back().offset == points[i].offset) continue;
    changes.push_back(points[i]);
  }
  return changes;
}

std::int32_t TimeZone::offset_at(std::int64_t utc) const noexcept { return span_at(utc).offset; }

OffsetSpan TimeZone::span_at(std::int64_t utc) const noexcept {
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc,
                                      [](std::int64_t t, const OffsetTransition& tr) { return t < tr.at; });
  OffsetSpan span;
  span.offset = initial_offset_;
  span.offset_before = initial_offset_;
  if (after != transitions_.begin()) {
    const auto current = std::prev(after);
    span.begin = current->at;
    span.offset = current->offset;
    span.offset_before = current == transitions_.begin() ? initial_offset_ : std::prev(current)->offset;
  }
  if (after != transitions_.end()) {
    span.end = after->at;
    return span;
  }
  if (!rule_) return span;
  if (!rule_->dst_offset) {
    span.offset = rule_->standard_offset;
    return span;
  }
  std::vector<RulePoint> changes;
  try {
    changes = rule_changes_around(utc);
  } catch (...) {
    return span;
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].at > utc) {
      span.end = changes[i].at;
      break;
    }
    span.offset = changes[i].offset;
    if (!span.begin || changes[i].at > *span.begin) {
      span.offset_before = i > 0 ? changes[i - 1].offset : span.offset;
      span.begin = changes[i].at;
    }
  }
  return span;
}

}  // namespace notifyd::cron
