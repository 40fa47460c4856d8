#pragma once
// The cron trigger's configuration: the keys it declares and their
// validated, typed form.

#include <chrono>
#include <string>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/status.hpp"
#include "zone_lookup.hpp"

namespace notifyd::cron {

/// Longest jitter and refresh interval accepted.
inline constexpr std::chrono::milliseconds max_cron_interval{24 * 3600 * 1000};

/// The validated settings of one cron trigger instance.
struct CronSettings {
  std::string default_schedule = "*/5 * * * *";  ///< for checks whose schedule is empty
  ZoneHandle zone;                               ///< default zone of every schedule
  std::chrono::milliseconds jitter{0};           ///< random delay added to each run, 0 to this
  std::chrono::milliseconds refresh_interval{30'000};  ///< how often the check list is re-read
};

/// Declares the plugin's keys (called from `CronTrigger::describe`).
void describe_cron_settings(sdk::ConfigSchema& schema);

/// Validates `config` (the default schedule parses, the zone loads, jitter is 0-24h, refresh_interval
/// 1s-24h); the error has every problem, one `key: message` line each.
sdk::Result<CronSettings> read_cron_settings(const sdk::PluginConfig& config);

}  // namespace notifyd::cron
