#pragma once
// Every process a run started, so that the run's end can end them all, even
// those that left its process group (`setsid`) or its process tree (a
// double fork): a cgroup v2 of the run's own where the daemon may create one,
// else the processes of the run's user, started after the run, whose
// environment carries the run's marker `NOTIFYD_RUN_ID=<id>`.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "notifyd/sdk/status.hpp"
#include "unique_fd.hpp"

namespace notifyd::exec {

/// The cgroup v2 directory under which runs get cgroups of their own: the
/// daemon's own cgroup (`/proc/self/cgroup`, on the cgroup2 mount from
/// `/proc/self/mountinfo`).
class RunCgroupRoot {
 public:
  /// The root when cgroup v2 is mounted and a child cgroup can be created and
  /// removed in the daemon's cgroup (root, and not a read-only
  /// /sys/fs/cgroup as systemd's ProtectControlGroups= makes it); otherwise
  /// nullopt and `why_not` says why. Removes the run cgroups a daemon that
  /// is gone left behind (killing what is still in them). Blocking.
  static std::optional<RunCgroupRoot> detect(std::string& why_not);

  /// Absolute path of the directory.
  const std::string& path() const noexcept { return path_; }

 private:
  explicit RunCgroupRoot(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

/// The processes of one run. Not thread-safe: one owner (the run's
/// supervisor) uses it.
class RunProcesses {
 public:
  /// A cgroup `notifyd-run-<daemon pid>-<run id>` under `root`; its
  /// processes are the ones moved in through `cgroup_procs_fd`, and their
  /// descendants. Blocking (a mkdir).
  static sdk::Result<std::unique_ptr<RunProcesses>> in_cgroup(const RunCgroupRoot& root, std::uint64_t run_id);

  /// Without a cgroup: the processes of `user` (`uid`) started from now on
  /// whose /proc/<pid>/environ holds `NOTIFYD_RUN_ID=<run_id>` (read with the
  /// user's permissions). Every process a script starts inherits the marker
  /// unless it replaces its whole environment.
  static std::unique_ptr<RunProcesses> by_marker(std::string user, uid_t uid, std::uint64_t run_id);

  /// Removes the run's cgroup (empty by then).
  ~RunProcesses();
  RunProcesses(const RunProcesses&) = delete;
  RunProcesses& operator=(const RunProcesses&) = delete;

  /// The cgroup's `cgroup.procs`, open for writing; -1 without a cgroup. A
  /// freshly forked cold run writes "0" to it before it drops privileges; a
  /// warm run's pid is written to it before it is let run the script.
  int cgroup_procs_fd() const noexcept { return procs_.get(); }

  /// Sends SIGKILL to every process of the run still alive and returns how
  /// many there were: 0 means the run has left nothing behind.
  std::size_t kill_all();


 private:
  RunProcesses() = default;
  std::size_t kill_cgroup();
  std::size_t kill_marked();

  std::string cgroup_;  ///< empty without a cgroup
  UniqueFd procs_;
  std::string user_;
  uid_t uid_ = 0;
  std::string marker_;
  std::uint64_t started_ticks_ = 0;  ///< when the run began, in /proc/<pid>/stat start-time ticks
};

}  // namespace notifyd::exec
