#include "cron_settings.hpp"

#include "cron_schedule.hpp"
#include "notifyd/sdk/config_problems.hpp"

namespace notifyd::cron {

void describe_cron_settings(sdk::ConfigSchema& schema) {
  schema.summary("Runs checks on cron schedules (5 fields, @daily, @every 5m, CRON_TZ=Zone prefix).")
      .string("default_schedule", "*/5 * * * *", "Schedule of checks that name none (a script without a header)")
      .string("time_zone", "", "IANA zone schedules are read in, e.g. Europe/Berlin; empty = local ($TZ, /etc/localtime)")
      .duration("jitter", std::chrono::milliseconds{0}, "Random delay, 0 to this, added to each run to spread load")
      .duration("refresh_interval", std::chrono::milliseconds{30'000},
                "How often the list of checks is re-read to pick up new, removed and changed checks");
}

sdk::Result<CronSettings> read_cron_settings(const sdk::PluginConfig& config) {
  CronSettings settings;
  sdk::ConfigProblems problems;
  if (auto zone = load_zone_or_local(config.string("time_zone"))) {
    settings.zone = zone.value();
  } else {
    problems.add("time_zone", zone.error());
  }
  settings.default_schedule = config.string("default_schedule");
  // With a bad time_zone the schedule is still parsed, against UTC, so its own mistakes show too.
  const ZoneHandle schedule_zone = settings.zone ? settings.zone : load_time_zone("UTC").value();
  if (auto schedule = make_cron_schedule(settings.default_schedule, schedule_zone); !schedule) {
    problems.add("default_schedule", "\"" + settings.default_schedule.substr(0, 128) + "\": " + schedule.error());
  }
  settings.jitter = config.duration("jitter");
  if (settings.jitter.count() < 0 || settings.jitter > max_cron_interval) {
    problems.add("jitter", "must be between 0s and 24h");
  }
  settings.refresh_interval = config.duration("refresh_interval");
  if (settings.refresh_interval < std::chrono::seconds{1} || settings.refresh_interval > max_cron_interval) {
    problems.add("refresh_interval", "must be between 1s and 24h");
  }
  if (!problems.empty()) return sdk::Result<CronSettings>::failure(problems.status().message);
  return settings;
}

}  // namespace notifyd::cron
