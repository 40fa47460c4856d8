#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "check_catalogue.hpp"
#include "config_file.hpp"
#include "cooldown_ledger.hpp"
#include "notification_store.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "run_leases.hpp"
#include "run_requests.hpp"
#include "run_result.hpp"

namespace notifyd::core {

/// The host's `sdk::CheckService`. Runs checks from every provider under a
/// global concurrency limit with a FIFO queue and never two runs of one check
/// at once, in this process nor on any replica of its host group (a run
/// lease, `RunLeases`); turns each execution into a run record (script
/// contract, cooldown, image, publish); keeps a result waiting (in memory, up
/// to `max_waiting_results`) while the notification store is unavailable, and
/// sends it once the store is back; keeps run history; tells an owner when a
/// check keeps failing and when it recovers. Its own completions (a run
/// recorded, the next queued run started) run on `executor`, never on the
/// store's writer.
///
/// Cooldown: a check last sent when its newest notification was stored
/// (the notification row, committed with the notification itself, is the
/// stamp) or when its cooldown document says, whichever is later; the
/// document (the seed's format, shared by the replicas) is written after
/// the notification is accepted. The decision reads both afresh, under the
/// run lease, so the next run on any replica sees the last send, also after
/// a crash right after the acceptance.
///
/// With replicas (`[cluster] backend` other than `local`), a check this
/// replica does not have runs where it lives: the runner publishes its host
/// group's checks in the shared `CheckCatalogue`, and an on-demand run of a
/// check only another host group has becomes a request one replica of that
/// group claims and answers (`RunRequests`).
class CheckRunner {
 public:
  CheckRunner(boost::asio::any_io_executor executor, NotificationStore& store,
              sdk::NotificationService& notifications, sdk::Coordination& coordination, const CheckSettings& settings,
              sdk::Logger& log, sdk::Metrics& metrics);

  /// Loads the newest run of every check, and each check's current failure
  /// streak, from the store.
  void load_history();
  /// With replicas: publishes this host group's checks (now and every
  /// `lease_ttl`) and answers the run requests of other replicas. Call once
  /// the providers are registered.
  void share();
  /// Refuses runs from now on (shutdown); queued runs fail, and so do runs
  /// waiting for another replica's answer.
  void stop();

  void add_provider(std::string instance, sdk::CheckProvider& provider) noexcept;
  /// Forgets the providers of `instance` (stopped for good by a reload). Runs
  /// already started finish; the provider object outlives them.
  void remove_providers(std::string_view instance) noexcept;
  /// `user`'s checks (every user's when empty); with replicas, those only
  /// other host groups have too (`elsewhere`: from the shared catalogue,
  /// their last run from the shared store).
  std::vector<sdk::CheckStatus> checks(std::string_view user) const noexcept;
  /// Runs the check here, or, with replicas, on a replica of the host group
  /// that has it when this replica has not (except a `schedule` run: each
  /// group's scheduler runs its own checks). `done` gets the run's record
  /// (a run that failed is a record too), or a refusal saying of what kind
  /// (no such check, no live replica of its group, ...).
  void run(std::string_view user, std::string_view name, std::string trigger,
           std::function<void(RunResult)> done) noexcept;
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view name,
                                                std::uint32_t limit) const noexcept;
  void set_next_run(std::string_view user, std::string_view name, std::int64_t at_ms) noexcept;

 private:
  struct Provider {
    std::string instance;
    sdk::CheckProvider* provider;
  };
  struct Job {
    sdk::CheckDefinition definition;
    sdk::CheckProvider* provider = nullptr;
    sdk::RunRecord record;
    std::vector<std::string> warnings;  ///< what the check should tidy; appended to the record's detail
    std::int64_t waiting_since_ms = 0;  ///< when its result first found the notification store unavailable
    std::function<void(RunResult)> done;
    std::unique_ptr<boost::asio::steady_timer> renewal;  ///< renews the run lease while the run goes on
    std::mutex lease_mutex;    ///< orders renewals before the release
    bool lease_held = false;   ///< under lease_mutex
  };
  struct CheckState {
    bool running = false;
    std::optional<sdk::RunRecord> last_run;
    std::int64_t next_run_ms = 0;
    std::uint32_t failures_in_a_row = 0;
  };
  using Key = std::pair<std::string, std::string>;  // user, check

  std::optional<std::pair<sdk::CheckDefinition, sdk::CheckProvider*>> find(std::string_view user,
                                                                            std::string_view name) const;
  /// Runs the check here; unknown checks fail.
  void run_here(std::string_view user, std::string_view name, std::string trigger,
                std::function<void(RunResult)> done) noexcept;
  /// Asks the host group that has `user`'s check `name` to run it.
  void forward(std::string_view user, std::string_view name, std::string trigger,
               std::function<void(RunResult)> done);
  void publish_catalogue();
  /// Appends to `out` (this replica's checks of `user`) the catalogued checks
  /// of `user` only other host groups have.
  void add_elsewhere(std::string_view user, std::vector<sdk::CheckStatus>& out) const;
  void start_queued();
  /// Records `job` (its id drawn) as skipped because `detail`, and answers it.
  void record_skipped(std::shared_ptr<Job> job, std::string detail);
  void renew_lease(std::shared_ptr<Job> job);
  void release_lease(Job& job);
  void on_executed(std::shared_ptr<Job> job, sdk::CheckExecution execution);
  void interpret(std::shared_ptr<Job> job, sdk::CheckExecution execution);
  void publish_result(std::shared_ptr<Job> job, const sdk::CheckResult& result);
  /// Publishes `request`; while the notification store is unavailable the
  /// result waits and is sent again every `result_retry_every`.
  void send_result(std::shared_ptr<Job> job, sdk::PublishRequest request);
  /// Whether `job`'s result may wait for the store (not stopping, and fewer
  /// than `max_waiting_results` waiting).
  bool wait_for_store(const std::shared_ptr<Job>& job, const std::string& why);
  void finish(std::shared_ptr<Job> job);
  void track_failures(const sdk::RunRecord& record);
  void alert_owner(const std::string& user, const std::string& check, std::string title, std::string message);

  boost::asio::any_io_executor executor_;
  NotificationStore& store_;
  sdk::NotificationService& notifications_;
  mutable CooldownLedger ledger_;  // reads fill its cache
  RunLeases leases_;
  sdk::Coordination& coordination_;
  const std::string where_;  ///< names the host group in "no check named" when there are replicas
  const CheckSettings& settings_;
  sdk::Logger& log_;
  sdk::Counter& runs_started_;

  mutable std::mutex mutex_;
  std::vector<Provider> providers_;
  std::map<Key, CheckState> states_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::uint32_t active_ = 0;
  bool stopping_ = false;
  static constexpr std::size_t max_waiting_results = 1000;
  static constexpr std::chrono::seconds result_retry_every{2};
  std::size_t waiting_results_ = 0;  ///< results waiting for the store to come back
  std::set<std::shared_ptr<boost::asio::steady_timer>> result_retries_;
  sdk::Metrics& metrics_;
  std::unique_ptr<CheckCatalogue> catalogue_;  ///< with replicas only, as are the two below
  std::unique_ptr<RunRequests> requests_;
  std::unique_ptr<boost::asio::steady_timer> catalogue_timer_;
  std::chrono::milliseconds publish_every_;
};

}  // namespace notifyd::core
