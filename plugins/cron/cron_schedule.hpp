#pragma once
// A cron expression bound to a time zone: computes when it next fires, with
// cronie's rules for daylight saving changes.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "cron_expression.hpp"
#include "notifyd/sdk/status.hpp"
#include "zone_lookup.hpp"

namespace notifyd::cron {

/// Loads a zone by IANA name; lets callers cache zones.
using ZoneLoader = std::function<sdk::Result<ZoneHandle>(std::string_view name)>;

/// An expression and the zone its wall-clock fields are read in. Immutable.
class CronSchedule {
 public:
  CronSchedule(CronExpression expression, ZoneHandle zone);

  /// The first instant (UTC seconds since the epoch) strictly after `utc` at
  /// which the schedule fires; nullopt when it never does again.
  /// `@every d` fires at `utc + d`. A calendar schedule fires at each
  /// matching wall-clock minute of its zone. At daylight saving changes it
  /// follows cronie's code (cron.c): for a fixed-time expression (neither
  /// minute nor hour starts with `*`) wall times skipped by a spring-forward
  /// fire once at the jump and a repeated wall time fires only the first
  /// time; any other expression never fires at skipped times and fires at
  /// both occurrences of repeated ones.
  std::optional<std::int64_t> next_after(std::int64_t utc) const noexcept;

  const CronExpression& expression() const noexcept { return expression_; }
  const TimeZone& zone() const noexcept { return *zone_; }

 private:
  CronExpression expression_;
  ZoneHandle zone_;
};

/// Parses `text` and binds it to its `CRON_TZ=` zone (loaded with `load`) or
/// else to `default_zone`. Errors are the parser's, or an unknown zone with its column.
sdk::Result<CronSchedule> make_cron_schedule(std::string_view text, const ZoneHandle& default_zone,
                                             const ZoneLoader& load = load_time_zone);

}  // namespace notifyd::cron
