#pragma once
// A time zone as UTC offsets over time: the transitions of a TZif file and
// the POSIX rule for instants after the last one. Immutable, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "posix_tz_rule.hpp"

namespace notifyd::cron {

/// From `at` (UTC seconds) on, local time = UTC + `offset` seconds.
struct OffsetTransition {
  std::int64_t at = 0;
  std::int32_t offset = 0;
};

/// A stretch of time with one UTC offset.
struct OffsetSpan {
  std::optional<std::int64_t> begin;  ///< first instant (UTC); nullopt = since forever
  std::optional<std::int64_t> end;    ///< first instant after it; nullopt = forever
  std::int32_t offset = 0;            ///< seconds east of UTC during the span
  std::int32_t offset_before = 0;     ///< the offset just before `begin` (= offset when unbounded)
};

/// UTC offsets of one zone.
class TimeZone {
 public:
  /// `initial_offset` applies before the first transition; `transitions` must
  /// be sorted; `rule` applies after the last one (nullopt = the last offset forever).
  TimeZone(std::string name, std::int32_t initial_offset, std::vector<OffsetTransition> transitions,
           std::optional<PosixTzRule> rule);

  /// UTC itself.
  static TimeZone utc();

  /// The IANA name (`Europe/Berlin`), or what the zone was made from.
  const std::string& name() const noexcept { return name_; }
  /// Seconds east of UTC at the instant `utc` (seconds since the epoch).
  std::int32_t offset_at(std::int64_t utc) const noexcept;
  /// The span of constant offset that holds `utc`.
  OffsetSpan span_at(std::int64_t utc) const noexcept;

 private:
  struct RulePoint {
    std::int64_t at;
    std::int32_t offset;
  };
  // The rule's offset changes around the year of `utc`, in order, ties kept in
  // rule order, with points that change nothing dropped.
  std::vector<RulePoint> rule_changes_around(std::int64_t utc) const;

  std::string name_;
  std::int32_t initial_offset_;
  std::vector<OffsetTransition> transitions_;
  std::optional<PosixTzRule> rule_;
};

}  // namespace notifyd::cron
