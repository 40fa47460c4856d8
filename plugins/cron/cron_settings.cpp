#include "cron_settings.hpp"

#include "cron_schedule.hpp"
#include "notifyd/sdk/settings_schema.hpp"

namespace notifyd::cron {
namespace {

bool within_a_day(std::chrono::milliseconds value, std::chrono::milliseconds low) {
  return value >= low && value <= max_cron_interval;
}

const sdk::SettingsSchema<CronSettings>& cron_settings_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<CronSettings> s(
        "Runs checks on cron schedules (5 fields, @daily, @every 5m, CRON_TZ=Zone prefix).");
    s.string("default_schedule", "*/5 * * * *", "Schedule of checks that name none (a script without a header)")
        .into(&CronSettings::default_schedule);
    s.string("time_zone", "", "IANA zone schedules are read in, e.g. Europe/Berlin; empty = local ($TZ, /etc/localtime)")
        .into(&CronSettings::zone, [](const std::string& name) { return load_zone_or_local(name); });
    // With a bad time_zone the schedule is still parsed, against UTC, so its own mistakes show too.
    s.rule({"default_schedule"}, [](const CronSettings& settings, sdk::ConfigProblems& problems) {
      const ZoneHandle zone = settings.zone ? settings.zone : load_time_zone("UTC").value();
      if (auto schedule = make_cron_schedule(settings.default_schedule, zone); !schedule) {
        problems.add("default_schedule", "\"" + settings.default_schedule.substr(0, 128) + "\": " + schedule.error());
      }
    });
    s.duration("jitter", std::chrono::milliseconds{0}, "Random delay, 0 to this, added to each run to spread load")
        .into(&CronSettings::jitter)
        .satisfies("between 0s and 24h", [](std::chrono::milliseconds value) {
          return within_a_day(value, std::chrono::milliseconds{0});
        });
    s.duration("refresh_interval", std::chrono::milliseconds{30'000},
               "How often the list of checks is re-read to pick up new, removed and changed checks")
        .into(&CronSettings::refresh_interval)
        .satisfies("between 1s and 24h", [](std::chrono::milliseconds value) {
          return within_a_day(value, std::chrono::seconds{1});
        });
    return s;
  }();
  return schema;
}

}  // namespace

void describe_cron_settings(sdk::ConfigSchema& schema) { cron_settings_schema().describe(schema); }

sdk::Result<CronSettings> read_cron_settings(const sdk::PluginConfig& config) {
  return cron_settings_schema().read(config);
}

}  // namespace notifyd::cron
