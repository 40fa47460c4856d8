#pragma once
// Supervises one running script without blocking the event loop: reads its
// stdout and stderr, watches its exit (through a pidfd, or the status a warm
// interpreter reports), stops its whole process group at the timeout, reaps
// it (or leaves that to the warm interpreter that forked it), and ends every
// other process of the run before it reports.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "child_spawn.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "output_capture.hpp"
#include "run_processes.hpp"

namespace notifyd::exec {

/// Bounds of one run.
struct ProcessLimits {
  std::chrono::milliseconds timeout{60'000};    ///< then SIGTERM to the process group
  std::chrono::milliseconds kill_grace{5'000};  ///< then SIGKILL to the process group
  std::size_t max_output = 1 << 20;             ///< stdout bytes kept
  std::size_t max_stderr = 64 << 10;            ///< stderr bytes kept (the tail)
  /// After the script exits, how long a descendant that left its process
  /// group may hold the pipes open before they are closed.
  std::chrono::milliseconds drain{2'000};
  /// After the script exits, how long its run's other processes get to die
  /// after SIGKILL before the run is reported anyway (a process stuck in the kernel).
  std::chrono::milliseconds leftovers_grace{5'000};
};

/// One running script. Create it right after `spawn_child`, then `start`.
/// Its handlers run on its own strand of the io_context; it keeps itself
/// alive until it has reported.
class ScriptProcess : public std::enable_shared_from_this<ScriptProcess> {
 public:
  using Done = std::function<void(sdk::CheckExecution)>;

  /// Takes over `child`'s descriptors. Throws when Asio cannot register them.
  /// `processes` (optional) are the run's processes: once the script has
  /// exited, all of them are killed before the run is reported.
  ScriptProcess(boost::asio::io_context& io, SpawnedChild child, ProcessLimits limits,
                std::unique_ptr<RunProcesses> processes = nullptr);
  ~ScriptProcess();
  ScriptProcess(const ScriptProcess&) = delete;
  ScriptProcess& operator=(const ScriptProcess&) = delete;

  /// Starts reading and the timeout; `done` is called once, on the strand,
  /// after the child is reaped and its pipes are closed.
  void start(Done done);
  /// Stops the script early: SIGTERM to its process group now, SIGKILL after
  /// the grace period; `reason` becomes the execution's error. Any thread.
  void terminate(std::string reason);
  /// The child's pid, which is also its process group id.
  pid_t pid() const { return pid_; }

 private:
  void read_stdout();
  void read_stderr();
  void wait_exit();
  void on_deadline();
  void signal_group(int signal_number);
  void escalate_after_grace();
  void give_up_after_grace();
  void on_exit();
  void on_reported_exit();
  void exited();
  void kill_unsupervised();
  void end_leftovers();
  void finish_if_done();
  sdk::CheckExecution execution();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  pid_t pid_;
  ProcessLimits limits_;
  std::function<void(int)> signal_through_interpreter_;  ///< set for a warm-started child
  boost::asio::posix::stream_descriptor exit_watch_;   ///< the pidfd, or the warm interpreter's status pipe
  boost::asio::posix::stream_descriptor stdout_;
  boost::asio::posix::stream_descriptor stderr_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer escalation_;
  boost::asio::steady_timer drain_;
  boost::asio::steady_timer leftovers_;
  std::unique_ptr<RunProcesses> processes_;
  std::chrono::steady_clock::time_point leftovers_since_;
  std::vector<char> stdout_buffer_;
  std::vector<char> stderr_buffer_;
  OutputHead output_;
  OutputTail errors_;
  Done done_;
  bool stdout_open_ = true;
  bool stderr_open_ = true;
  bool exited_ = false;
  bool leftovers_ended_ = false;  ///< every other process of the run is gone (or the grace ran out)
  bool reported_ = false;
  bool timed_out_ = false;
  bool escalated_ = false;   ///< SIGKILL was needed
  bool status_known_ = false;
  int wait_status_ = 0;
  std::string stop_reason_;
};

/// "SIGKILL" for 9; "signal 64" when the signal has no name.
std::string signal_name(int signal_number);

}  // namespace notifyd::exec
