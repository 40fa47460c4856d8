#pragma once
// The cron trigger: runs every check the host lists on its schedule. One
// wall-clock timer sleeps until the earliest due check (or the next re-read
// of the check list); each wake-up claims each due slot for this replica of
// the host group (`SlotClaims`), asks the host to run the slots it won,
// records the fire in cron_state.json and re-arms. A second timer renews
// the claims of running slots and looks again at the slots other replicas
// won, to run once more a slot whose claimer stopped mid-run.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cron_settings.hpp"
#include "notifyd/sdk/sdk.hpp"
#include "schedule_book.hpp"
#include "slot_claims.hpp"
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
  /// Cancels the timer and stops looking at slots other replicas won;
  /// calls `done` once the runs it started have finished (their claims
  /// renewed until then).
  void stop(std::function<void()> done);

 private:
  void load_state();
  void save_state();
  void refresh(std::int64_t now);
  void publish_next_runs(const std::vector<NextRun>& next_runs);
  void arm();
  void on_wake(boost::system::error_code ec);
  void start_run(const DueRun& run);
  void launch(const CheckKey& key, std::int64_t claim_slot);
  void on_run_done(const CheckKey& key, std::int64_t claim_slot, const sdk::Result<sdk::RunRecord>& record);
  void arm_claims();
  void on_claims_tick(boost::system::error_code ec);
  void tend_claims();
  void look_again(const CheckKey& key, std::int64_t claim_slot);
  void finish_if_stopped();

  using Slot = std::pair<CheckKey, std::int64_t>;  // a check and its claim slot
  /// A slot this replica claimed and is running.
  struct ClaimedSlot {
    bool replacement = false;         ///< run again for a claimer that stopped
    std::int64_t retry_until_ms = 0;  ///< replacement: until when a skipped run is retried (steady ms)
    bool retry = false;               ///< replacement: start it again at the next tick
  };

  sdk::Host& host_;
  CronSettings settings_;
  std::mt19937_64 random_;
  std::unique_ptr<ScheduleBook> book_;
  std::unique_ptr<WallClockTimer> timer_;
  std::unique_ptr<SlotClaims> claims_;
  std::unique_ptr<boost::asio::steady_timer> claims_timer_;
  std::map<Slot, ClaimedSlot> claimed_;
  std::map<Slot, std::int64_t> watched_;  ///< slots another replica won, and when to look again (steady ms)
  std::vector<CheckKey> forgotten_;       ///< dropped from the book since the last save
  bool claims_waiting_ = false;
  std::int64_t next_refresh_ms_ = 0;
  std::int64_t last_wake_ms_ = 0;
  bool waiting_ = false;
  int timer_failures_ = 0;
  bool stopping_ = false;
  std::size_t runs_in_flight_ = 0;
  std::function<void()> stopped_;
};

}  // namespace notifyd::cron
