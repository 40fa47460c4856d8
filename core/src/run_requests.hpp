#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "check_catalogue.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "run_result.hpp"

namespace notifyd::core {

/// On-demand runs of checks another host group holds: the asking replica
/// leaves a request where the cluster sees it, one replica of the check's
/// host group claims it and runs it, and its answer (the run's record, or
/// why it did not run) goes back to the asker, all through the shared
/// ephemeral keys, with doorbells to be quick:
///
/// - `check-request/<host group>/<id>` holds the request (user, check,
///   trigger, asker) until claimed, at most `claim_window`; the asker rings
///   `check-request/<host group>` with the id, again at every poll while it
///   is unclaimed (a ring may be lost).
/// - A replica of that group claims it with `Ephemeral::take`: of all the
///   replicas that heard the ring exactly one gets it, so a request runs at
///   most once. The claimer then holds `check-claim/<id>` (its name) for the
///   lease time to live, renewed every third of it while the run goes on.
/// - Its answer goes to `check-answer/<id>` before the claim is given back,
///   and it rings `check-answer/<asker>`; the asker takes it.
///
/// The asker polls every `poll_every` too. It answers at once when no
/// replica of the group is alive (`group_not_running`); with a refusal when
/// nobody claims within `claim_window` (`not_claimed`), when the claim
/// lapses without an answer (`claimer_stopped`: the claimer died, the
/// request is gone and is not run again), or when no answer came within
/// the check's timeout plus a margin (`no_answer`). The claimer's own
/// refusal (the check is gone from its group, it is stopping) travels back
/// with its kind. Thread-safe; its own work runs
/// on a strand of `executor` (blocking calls of one round trip each).
class RunRequests {
 public:
  using Answer = std::function<void(RunResult)>;
  /// Runs `user`'s `check` in this replica, never forwarding it again.
  using RunHere = std::function<void(const std::string& user, const std::string& check, std::string trigger,
                                     Answer done)>;

  RunRequests(boost::asio::any_io_executor executor, sdk::Coordination& coordination, sdk::Logger& log,
              RunHere run_here);
  ~RunRequests();
  RunRequests(const RunRequests&) = delete;
  RunRequests& operator=(const RunRequests&) = delete;

  /// Starts hearing requests for this host group and answers for this replica.
  void start();
  /// Claims nothing more; requests still waiting for an answer fail.
  void stop();
  /// Has the check `offers` lists (one user's check, offered by the host
  /// groups listed) run by a live replica of the first listed group that
  /// has one, and calls `done` with its record (on the strand, or at once
  /// on the caller's thread when no such replica lives).
  void ask(const std::vector<CataloguedCheck>& offers, std::string trigger, Answer done);

  /// How long a request waits for a replica to claim it.
  std::chrono::milliseconds claim_window() const noexcept;
  /// How often an asker looks at its request.
  std::chrono::milliseconds poll_every() const noexcept;

 private:
  struct Pending {
    std::string id;
    CataloguedCheck check;
    std::string trigger;
    Answer done;
    std::chrono::steady_clock::time_point claim_by;
    std::chrono::steady_clock::time_point answer_by;
    std::string claimer;           ///< who claimed it, once seen
    bool unaccounted = false;      ///< last poll found neither request, claim nor answer
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  struct Claimed {
    std::string asker;
    std::unique_ptr<boost::asio::steady_timer> renewal;
  };

  std::string request_key(const std::string& group, const std::string& id) const;
  void poll(const std::shared_ptr<Pending>& pending);
  void arm(const std::shared_ptr<Pending>& pending);
  /// Answers `pending` with `result` and forgets it.
  void settle(const std::shared_ptr<Pending>& pending, RunResult result);
  /// The answer `check-answer/<id>` holds, taken; nullopt while none.
  std::optional<RunResult> take_answer(const std::string& id);
  void on_request(const std::string& id);
  void renew_claim(const std::string& id);
  void answered(const std::string& id, const RunResult& result);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  sdk::Coordination& coordination_;
  sdk::Logger& log_;
  RunHere run_here_;
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;  ///< on the strand
  std::map<std::string, std::shared_ptr<Pending>> pending_;  ///< on the strand, by id
  std::map<std::string, Claimed> claimed_;                   ///< on the strand, by id
  sdk::Subscription requests_heard_;
  sdk::Subscription answers_heard_;
};

}  // namespace notifyd::core
