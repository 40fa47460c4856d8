#pragma once
// One warm interpreter: a Python process started once as a user, with that
// user's script environment, which forks a child per run that becomes
// `<interpreter> <script>` (warm_interpreter.py). It saves Python's start-up
// on every run.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "child_spawn.hpp"
#include "notifyd/sdk/status.hpp"
#include "unique_fd.hpp"

namespace notifyd::exec {

/// The program the interpreter runs (warm_interpreter.py, built in).
extern const std::string_view warm_interpreter_program;

/// A running warm interpreter. Thread-safe.
class WarmInterpreter : public std::enable_shared_from_this<WarmInterpreter> {
 public:
  /// How long `run` waits for the interpreter to fork (the first run also
  /// waits for its start-up).
  static constexpr std::chrono::milliseconds fork_timeout{10'000};

  /// Starts the interpreter `plan` names, as its user, with its environment
  /// (without the run's part) and working directory. Blocks for the exec.
  static sdk::Result<std::shared_ptr<WarmInterpreter>> start(const SpawnPlan& plan);

  /// Ends the interpreter (it kills the groups of runs still going) and reaps it.
  ~WarmInterpreter();
  WarmInterpreter(const WarmInterpreter&) = delete;
  WarmInterpreter& operator=(const WarmInterpreter&) = delete;

  /// Forks a run of `script` with `run_environment` added. Blocks until the
  /// child exists and, with a `cgroup_procs_fd` (the run's cgroup.procs),
  /// has been moved into the run's cgroup; the child runs the script only
  /// then. A failure means this interpreter could not take the run: it is
  /// dead, stuck, or its fork failed (or the move did; the child is killed).
  sdk::Result<SpawnedChild> run(const std::string& script, const std::vector<std::string>& run_environment,
                                int cgroup_procs_fd = -1);

  /// False once the interpreter has exited.
  bool alive() const;

  /// The interpreter's pid.
  pid_t pid() const { return process_.pid; }

  /// What the interpreter wrote to its stderr so far (its start-up errors), at most 4 KiB.
  std::string diagnostics();

 private:
  WarmInterpreter(SpawnedChild process, UniqueFd control);
  void signal(const std::string& key, int signal_number);
  bool send(std::string_view message, const std::vector<int>& descriptors);

  SpawnedChild process_;
  UniqueFd control_;
  std::mutex mutex_;
  std::uint64_t next_key_ = 1;
};

}  // namespace notifyd::exec
