#pragma once
// Runs scripts for the exec plugin: prepares and forks on worker threads
// (never on the event loop), caps the children alive at once, and at
// shutdown stops every child and waits until all are reaped.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "notifyd/sdk/check_service.hpp"
#include "run_processes.hpp"
#include "script_discovery.hpp"
#include "script_process.hpp"
#include "spawn_plan.hpp"
#include "warm_interpreter_pool.hpp"

namespace notifyd::exec {

/// How the runner starts scripts.
struct RunnerSettings {
  std::string interpreter;             ///< when the user has no ~/.venv/bin/python
  EnvironmentSettings environment;
  ProcessLimits limits;                ///< `timeout` is replaced per run by the check's own
  std::size_t max_children = 16;
  uid_t daemon_uid = 0;                ///< geteuid(); only root switches users
  bool warm_start = true;              ///< fork runs from warm interpreters; false = execute the interpreter each run
  std::chrono::milliseconds warm_idle{30'000};  ///< a warm interpreter unused this long is stopped
  WarmInterpreterPool::Warn warn;      ///< hears about warm interpreters that fail
  /// Each run gets a cgroup of its own under it; nullopt: a run's processes
  /// are found by the marker in their environment (RunProcesses).
  std::optional<RunCgroupRoot> cgroup_root;
};

/// Executes scripts and other blocking work. Thread-safe.
class ScriptRunner {
 public:
  using Done = std::function<void(sdk::CheckExecution)>;

  ScriptRunner(boost::asio::io_context& io, RunnerSettings settings);
  /// Waits for the worker threads; `stop` must have completed (or nothing was started).
  ~ScriptRunner();
  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;

  /// Runs `script` for `check`; `done` exactly once, from a worker thread or
  /// a process strand. Never blocks: beyond `max_children` runs wait in a queue.
  void run(const DiscoveredScript& script, const sdk::CheckDefinition& check, std::uint64_t run_id, Done done);

  /// Runs blocking `work` (a discovery scan) on a worker thread; false when stopping.
  bool submit(std::function<void()> work);

  /// Stops warm interpreters idle for longer than `warm_idle` (on a worker thread).
  void stop_idle_interpreters();

  /// Refuses new work, answers queued runs, stops every running child
  /// (SIGTERM, SIGKILL after the grace) and calls `done` once every run has
  /// reported and all submitted work has finished.
  void stop(std::function<void()> done);

  /// Children alive now.
  std::size_t running() const;

 private:
  struct Job {
    DiscoveredScript script;
    sdk::CheckDefinition check;
    std::uint64_t run_id = 0;
    Done done;
  };

  void launch(Job job);
  void finish(Job& job, sdk::CheckExecution execution, const std::shared_ptr<ScriptProcess>& process);
  void complete_one();
  sdk::CheckExecution prepare_and_spawn(Job& job, std::shared_ptr<ScriptProcess>& process);
  std::unique_ptr<RunProcesses> run_processes(const UserAccount& account, std::uint64_t run_id) const;

  boost::asio::io_context& io_;
  RunnerSettings settings_;
  std::unique_ptr<WarmInterpreterPool> warm_;  ///< null without warm_start
  boost::asio::thread_pool workers_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::size_t active_ = 0;   ///< runs and work accepted, not yet reported
  std::size_t running_ = 0;  ///< runs holding a child slot
  std::deque<Job> queue_;
  std::set<std::shared_ptr<ScriptProcess>> live_;
  std::function<void()> stopped_;
};

/// The execution reported for a run that never started.
sdk::CheckExecution not_started(sdk::CheckExecution::Status status, std::string error);

}  // namespace notifyd::exec
