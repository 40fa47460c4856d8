#pragma once
// Checks as the host sees them: providers (the exec plugin, native checks)
// declare and execute them; the host runs them one at a time per check under
// a global concurrency limit, applies the script contract, cooldown and
// failure alerts, publishes notifications and keeps the run history.
// Schedulers (cron) and front-ends (socket, web, Telegram) ask the host to run.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/check_result.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// A check as its provider declares it.
struct CheckDefinition {
  std::string name;      ///< unique per user: a script's file stem, a [[check]] name
  std::string user;      ///< owner; the recipient of what it reports
  std::string schedule;  ///< cron expression; empty = the scheduler's default for its provider
  std::chrono::milliseconds timeout{60000};
  std::string origin;    ///< where it comes from, for people: a script path, "native:disk_space"
  std::string provider;  ///< the providing plugin instance (filled by the host)
};

/// What executing a check once produced, before the host interprets it.
struct CheckExecution {
  enum class Status {
    exited,           ///< ran to completion; see exit_code
    timed_out,        ///< killed at the timeout
    failed_to_start,  ///< could not be started (interpreter missing, fork failed)
    refused,          ///< not run on purpose (unsafe permissions, wrong owner)
  };
  Status status = Status::exited;
  int exit_code = 0;
  std::string output;                 ///< stdout (capped) to parse with the script contract
  std::optional<CheckResult> result;  ///< a native check's result; when set, `output` is ignored
  std::string stderr_tail;            ///< the last bytes of stderr (capped)
  std::string error;                  ///< why it was refused, failed to start or timed out
  bool output_truncated = false;      ///< stdout exceeded the cap and was cut
};

/// Implemented by plugins that offer checks; registered with
/// `CheckService::add_provider` from `configure()`.
class CheckProvider {
 public:
  virtual ~CheckProvider() = default;
  /// Every check offered now. Called from any thread, often; keep it cheap
  /// (serve a cached discovery) and thread-safe.
  virtual std::vector<CheckDefinition> list_checks() noexcept = 0;
  /// Executes one check; `done` exactly once, from any thread. Must not block
  /// the caller. The host never executes two runs of one check at once.
  virtual void execute(const CheckDefinition& check, std::uint64_t run_id,
                       std::function<void(CheckExecution)> done) noexcept = 0;
};

/// One run of a check, as history keeps it.
struct RunRecord {
  std::uint64_t id = 0;
  std::string check;
  std::string user;
  std::string trigger;            ///< schedule, manual, telegram, api, ...
  std::int64_t started_at_ms = 0;
  std::int64_t duration_ms = 0;
  std::optional<int> exit_code;
  /// notified, quiet, cooldown, timeout, bad_output, failed, refused, skipped
  std::string outcome;
  std::string detail;             ///< what went wrong, or what was sent
  std::string stderr_tail;
  std::uint64_t notification_id = 0;  ///< the notification this run produced, 0 = none
};

/// A check with what is known about it.
struct CheckStatus {
  CheckDefinition definition;
  std::optional<RunRecord> last_run;
  std::int64_t last_sent_ms = 0;  ///< when it last produced a notification; 0 = never
  std::int64_t next_run_ms = 0;   ///< next scheduled run; 0 = not scheduled
  /// With replicas: the host group whose replicas run it; empty without replicas.
  std::string host_group;
  /// Another host group's check, listed from the cluster's shared catalogue:
  /// it runs there (on demand through a replica of that group, on schedule by
  /// that group's scheduler); `definition.provider` is empty.
  bool elsewhere = false;
  /// Whether a replica of `host_group` is running now; while none is, a run
  /// of a check `elsewhere` is refused. Always true for this replica's own checks.
  bool group_running = true;
};

/// The host's check service. Thread-safe.
class CheckService {
 public:
  virtual ~CheckService() = default;
  /// Registers a provider (from `configure()`); it must outlive the daemon's run.
  virtual void add_provider(CheckProvider& provider) noexcept = 0;
  /// The checks of `user` (every user's when empty), sorted by user and name;
  /// with replicas, also those only another host group has (`elsewhere`).
  virtual std::vector<CheckStatus> checks(std::string_view user) const noexcept = 0;
  /// Runs `user`'s check `name` now (queued behind the concurrency limit) and
  /// calls `done` with its record on one of the host's io threads, possibly
  /// after the caller stopped (wrap it with a `CallbackScope`). A check already running is
  /// not started twice: that request is recorded as `skipped`. Unknown checks fail.
  virtual void run(std::string_view user, std::string_view name, std::string trigger,
                   std::function<void(Result<RunRecord>)> done) noexcept = 0;
  /// Recent runs, newest first; `name` empty = all of the user's checks.
  virtual Result<std::vector<RunRecord>> runs(std::string_view user, std::string_view name,
                                              std::uint32_t limit) const noexcept = 0;
  /// Tells front-ends when a check next runs (called by schedulers).
  virtual void set_next_run(std::string_view user, std::string_view name, std::int64_t at_ms) noexcept = 0;
};

}  // namespace notifyd::sdk
