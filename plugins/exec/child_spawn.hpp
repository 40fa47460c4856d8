#pragma once
// Starting a script's process from a multi-threaded daemon: everything is
// prepared before fork(); the child makes only async-signal-safe calls.

#include <sys/types.h>

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
  std::vector<std::string> environment;   ///< the whole environment, "NAME=value"
  std::string working_directory;
  std::optional<ChildIdentity> identity;  ///< switched to in the child (the daemon must be root); nullopt = stay
};

/// A started child: its own session and process group (pgid = pid), stdin
/// on /dev/null, stdout and stderr on the read ends held here (non-blocking).
struct SpawnedChild {
  pid_t pid = -1;
  UniqueFd pidfd;     ///< readable once the child has exited; the child is not reaped
  UniqueFd stdout_fd;
  UniqueFd stderr_fd;
};

/// Forks and executes `plan`. Blocks until the child has executed the
/// program or failed to (a few milliseconds), so call it from a worker
/// thread. A failure in the child (setgroups, setuid, chdir, execve) is
/// reported here as one line, and that child is reaped.
sdk::Result<SpawnedChild> spawn_child(const SpawnPlan& plan);

}  // namespace notifyd::exec
