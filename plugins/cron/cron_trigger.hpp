#pragma once
// The cron trigger: runs every check the host lists on its schedule. One
// wall-clock timer sleeps until the earliest due check (or the next re-read
// of the check list); each wake-up asks the host to run what is due, records
// the fire in cron_state.json and re-arms.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "cron_settings.hpp"
#include "notifyd/sdk/sdk.hpp"
#include "schedule_book.hpp"
#include "wall_clock_timer.hpp"

namespace notifyd::cron {

/// The `cron` trigger plugin. Lifecycle calls (through NOTIFYD_PLUGIN's
/// adapter, which turns what they throw into a failed Status) and timer
/// handlers run on the plugin's strand; run callbacks arrive from any thread
/// and are posted back.
class CronTrigger final {
 public:
  explicit CronTrigger(sdk::Host& host);

  /// Declares the config keys.
  static void describe(sdk::ConfigSchema& schema) { describe_cron_settings(schema); }

  /// Reads the settings (every mistake at once).
  sdk::Status configure();
  /// Loads the fire record, lists the checks and arms the timer.
  sdk::Status start();
  /// Cancels the timer; calls `done` once the runs it started have finished.
  void stop(std::function<void()> done);

 private:
  void load_state();
  void save_state();
  void refresh(std::int64_t now);
  void publish_next_runs(const std::vector<NextRun>& next_runs);
  void arm();
  void on_wake(boost::system::error_code ec);
  void start_run(const DueRun& run);
  void on_run_done(const CheckKey& key, const sdk::Result<sdk::RunRecord>& record);
  void finish_if_stopped();

  sdk::Host& host_;
  CronSettings settings_;
  std::mt19937_64 random_;
  std::unique_ptr<ScheduleBook> book_;
  std::unique_ptr<WallClockTimer> timer_;
  std::int64_t next_refresh_ms_ = 0;
  std::int64_t last_wake_ms_ = 0;
  bool waiting_ = false;
  int timer_failures_ = 0;
  bool stopping_ = false;
  std::size_t runs_in_flight_ = 0;
  std::function<void()> stopped_;
};

}  // namespace notifyd::cron
