#include "cron_next.hpp"

#include "cron_schedule.hpp"
#include "iso8601.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "zone_lookup.hpp"

namespace notifyctl {

notifyd::sdk::Result<std::string> cron_next_text(const CronNextArguments& arguments, std::int64_t now) {
  using R = notifyd::sdk::Result<std::string>;
  auto zone = notifyd::cron::load_zone_or_local(arguments.zone.value_or(""));
  if (!zone) return R::failure(arguments.zone ? "--tz: " + zone.error() : zone.error());
  auto schedule = notifyd::cron::make_cron_schedule(arguments.expression, zone.value());
  if (!schedule) return R::failure(schedule.error());
  std::int64_t from = now;
  if (arguments.from) {
    auto parsed = notifyd::cron::parse_instant(*arguments.from, schedule->zone());
    if (!parsed) return R::failure("--from: " + parsed.error());
    from = parsed.value();
  }
  std::string text;
  for (std::uint32_t i = 0; i < arguments.count; ++i) {
    const auto next = schedule->next_after(from);
    if (!next) break;
    text += notifyd::sdk::format_utc_timestamp(*next * 1000, notifyd::sdk::SecondFraction::none) + "\n";
    from = *next;
  }
  return text;
}

}  // namespace notifyctl
