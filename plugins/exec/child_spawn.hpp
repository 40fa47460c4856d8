#pragma once
// Starting a script's process from a multi-threaded daemon: everything is
// prepared before fork(); the child makes only async-signal-safe calls.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/status.hpp"
#include "unique_fd.hpp"

namespace notifyd::exec {

/// The user a child becomes before it executes anything.
struct ChildIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups
};

/// Everything the child needs, computed before fork().
struct SpawnPlan {
  std::string program;                    ///< absolute path executed
  std::vector<std::string> arguments;     ///< argv, argv[0] included
  std::vector<std::string> environment;   ///< "NAME=value", the part shared by every run of the user's scripts
  std::vector<std::string> run_environment;  ///< "NAME=value", the part that names this run; appended to `environment`
  std::string working_directory;
  std::optional<ChildIdentity> identity;  ///< switched to in the child (the daemon must be root); nullopt = stay
  int stdin_fd = -1;    ///< the child's stdin (the parent keeps its copy); -1 = /dev/null
  int control_fd = -1;  ///< passed to the child as descriptor 4 (the parent keeps its copy); -1 = none
  /// The run's `cgroup.procs` (RunProcesses): the child writes "0" to it
  /// first, while still root, which moves it into the run's cgroup; -1 = none.
  int cgroup_procs_fd = -1;
};

/// A started child: its own session and process group (pgid = pid), stdin
/// on /dev/null, stdout and stderr on the read ends held here (non-blocking).
/// Either the daemon's own child (`pidfd`), or forked by a warm interpreter
/// (`exit_status_fd` and `signal_group`), which reaps it.
struct SpawnedChild {
  pid_t pid = -1;
  UniqueFd pidfd;     ///< readable once the child has exited; the child is not reaped
  UniqueFd stdout_fd;
  UniqueFd stderr_fd;
  /// Non-blocking; delivers the child's wait status as a native int32 once
  /// it has exited and been reaped, then end of file.
  UniqueFd exit_status_fd;
  /// Sends a signal to the child's process group through whoever reaps it;
  /// set with `exit_status_fd`. Keeps that warm interpreter alive.
  std::function<void(int)> signal_group;
};

/// Forks and executes `plan`. Blocks until the child has executed the
/// program or failed to (a few milliseconds), so call it from a worker
/// thread. A failure in the child (setgroups, setuid, chdir, execve) is
/// reported here as one line, and that child is reaped.
sdk::Result<SpawnedChild> spawn_child(const SpawnPlan& plan);

}  // namespace notifyd::exec
