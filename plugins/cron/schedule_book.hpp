#pragma once
// The cron trigger's bookkeeping, without clocks or I/O: which checks exist,
// their compiled schedules, when each is next due, and when each last fired.
// The trigger feeds it the check list and the time; it answers what to run.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check_key.hpp"
#include "cron_schedule.hpp"
#include "cron_state.hpp"

namespace notifyd::cron {

/// How long the last fire time of a check that is no longer listed is kept.
inline constexpr std::int64_t forget_after_seconds = 30LL * 24 * 3600;

/// A check as the host lists it.
struct ListedCheck {
  CheckKey key;
  std::string schedule;  ///< empty = the default schedule
};

/// A run to start now.
struct DueRun {
  CheckKey key;
  std::int64_t slot = 0;   ///< the schedule slot it is for (UTC seconds)
  bool catch_up = false;   ///< the slot was missed while the daemon was down
  std::int64_t missed_slot = 0;  ///< for a catch-up: the first slot missed (UTC seconds)
  /// The slot every replica of the host group names alike, to claim it: the
  /// slot; for `@every d` (counted from each replica's own start) the start
  /// of its d-long window since the epoch; for a catch-up the first slot missed.
  std::int64_t claim_slot = 0;
};

/// A check's next run changed; 0 = not scheduled.
struct NextRun {
  CheckKey key;
  std::int64_t at_ms = 0;
};

/// What a `sync` changed.
struct SyncReport {
  std::vector<std::pair<CheckKey, std::string>> invalid;  ///< newly seen bad schedules and why
  std::vector<CheckKey> added;
  std::vector<CheckKey> removed;
  std::vector<NextRun> next_runs;
  /// Checks listed here once whose last fire time was dropped (gone for 30 days).
  std::vector<CheckKey> forgotten;
};

/// What `take_due` decided.
struct DueReport {
  std::vector<DueRun> runs;
  std::vector<NextRun> next_runs;
};

/// Scheduling state of one cron trigger. Not thread-safe: used on the plugin's strand.
class ScheduleBook {
 public:
  /// `jitter_ms` returns the random delay (ms) added to each run.
  ScheduleBook(std::string default_schedule, ZoneHandle default_zone, std::function<std::int64_t()> jitter_ms);

  /// Last fire times read from `cron_state.json`.
  void restore(LastFires fires);

  /// Makes the book match `checks` at `now_ms`: new checks are scheduled (one
  /// whose recorded last fire is older than its latest slot is due at once),
  /// changed schedules are recompiled, removed checks dropped.
  SyncReport sync(const std::vector<ListedCheck>& checks, std::int64_t now_ms);

  /// When the earliest scheduled check is due (Unix ms); nullopt when none is.
  std::optional<std::int64_t> earliest_due_ms() const;

  /// The checks due at `now_ms`, each once however many of its slots passed;
  /// records them as fired and schedules their next slot.
  DueReport take_due(std::int64_t now_ms);

  /// The wall clock was set back to `now_ms`: wildcard checks (minute or
  /// hour starts with `*`) and `@every` are rescheduled from the new time, as
  /// cronie does; fixed-time checks keep their slot, so none runs twice.
  std::vector<NextRun> clock_set_back(std::int64_t now_ms);

  /// Last fire times to persist (including recently removed checks').
  const LastFires& last_fires() const noexcept { return last_fires_; }

  /// The next slot of `key` (UTC seconds), for tests and logs.
  std::optional<std::int64_t> next_slot(const CheckKey& key) const;

 private:
  struct Entry {
    std::string schedule_text;
    std::optional<CronSchedule> schedule;
    std::optional<std::int64_t> slot;  // UTC seconds
    std::int64_t due_ms = 0;
    bool catch_up = false;
    std::int64_t missed_slot = 0;
  };

  void compile(const CheckKey& key, Entry& entry, std::int64_t now, bool first_sight, SyncReport& report);
  void plan(Entry& entry, std::optional<std::int64_t> slot);
  sdk::Result<ZoneHandle> zone_named(std::string_view name);

  std::string default_schedule_;
  ZoneHandle default_zone_;
  std::function<std::int64_t()> jitter_ms_;
  std::map<CheckKey, Entry> entries_;
  LastFires last_fires_;
  std::set<CheckKey> listed_once_;
  std::map<std::string, sdk::Result<ZoneHandle>, std::less<>> zones_;
};

}  // namespace notifyd::cron
