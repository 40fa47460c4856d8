#include "script_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/duration.hpp"

namespace notifyd::exec {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t read_chunk_bytes = 64 * 1024;

}  // namespace

std::string signal_name(int signal_number) {
  if (const char* abbreviation = ::sigabbrev_np(signal_number)) return std::string("SIG") + abbreviation;
  return "signal " + std::to_string(signal_number);
}

ScriptProcess::ScriptProcess(asio::io_context& io, SpawnedChild child, ProcessLimits limits,
                             std::unique_ptr<RunProcesses> processes)
    : strand_(asio::make_strand(io)),
      pid_(child.pid),
      limits_(limits),
      signal_through_interpreter_(std::move(child.signal_group)),
      exit_watch_(strand_),
      stdout_(strand_),
      stderr_(strand_),
      deadline_(strand_),
      escalation_(strand_),
      drain_(strand_),
      leftovers_(strand_),
      processes_(std::move(processes)),
      stdout_buffer_(read_chunk_bytes),
      stderr_buffer_(read_chunk_bytes),
      output_(limits.max_output),
      errors_(limits.max_stderr) {
  try {
    UniqueFd& watched = signal_through_interpreter_ ? child.exit_status_fd : child.pidfd;
    exit_watch_.assign(watched.get());
    watched.release();
    stdout_.assign(child.stdout_fd.get());
    child.stdout_fd.release();
    stderr_.assign(child.stderr_fd.get());
    child.stderr_fd.release();
  } catch (...) {
    // Not supervised, so not left running: the destructor does not run after a throw.
    kill_unsupervised();
    throw;
  }
}

ScriptProcess::~ScriptProcess() {
  // Only reached without a report when start() was never called.
  if (!exited_) kill_unsupervised();
}

void ScriptProcess::kill_unsupervised() {
  if (processes_) processes_->kill_all();
  if (signal_through_interpreter_) {
    signal_through_interpreter_(SIGKILL);
    return;
  }
  ::kill(-pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void ScriptProcess::start(Done done) {
  asio::dispatch(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->done_ = std::move(done);
    self->read_stdout();
    self->read_stderr();
    self->wait_exit();
    self->deadline_.expires_after(self->limits_.timeout);
    self->deadline_.async_wait([self](error_code error) {
      if (!error) self->on_deadline();
    });
  });
}

void ScriptProcess::terminate(std::string reason) {
  asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    if (self->exited_ || !self->stop_reason_.empty()) return;
    self->stop_reason_ = std::move(reason);
    self->deadline_.cancel();
    self->signal_group(SIGTERM);
    self->escalate_after_grace();
  });
}

void ScriptProcess::read_stdout() {
  stdout_.async_read_some(asio::buffer(stdout_buffer_), [self = shared_from_this()](error_code error, std::size_t n) {
    self->output_.append(std::string_view(self->stdout_buffer_.data(), n));
    if (error) {
      self->stdout_open_ = false;
      self->finish_if_done();
      return;
    }
    self->read_stdout();
  });
}

void ScriptProcess::read_stderr() {
  stderr_.async_read_some(asio::buffer(stderr_buffer_), [self = shared_from_this()](error_code error, std::size_t n) {
    self->errors_.append(std::string_view(self->stderr_buffer_.data(), n));
    if (error) {
      self->stderr_open_ = false;
      self->finish_if_done();
      return;
    }
    self->read_stderr();
  });
}

void ScriptProcess::wait_exit() {
  exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](error_code error) {
    if (error == asio::error::operation_aborted) return;
    if (self->signal_through_interpreter_) {
      self->on_reported_exit();
    } else {
      self->on_exit();
    }
  });
}

void ScriptProcess::on_deadline() {
  if (exited_) return;
  timed_out_ = true;
  signal_group(SIGTERM);
  escalate_after_grace();
}

void ScriptProcess::signal_group(int signal_number) {
  if (exited_) return;
  // The warm interpreter signals the group only while it has not reaped the
  // leader; a leader of ours is not reaped before on_exit(). Either way the
  // group id cannot have been reused.
  if (signal_through_interpreter_) {
    signal_through_interpreter_(signal_number);
  } else {
    ::kill(-pid_, signal_number);
  }
}

void ScriptProcess::escalate_after_grace() {
  escalation_.expires_after(limits_.kill_grace);
  escalation_.async_wait([self = shared_from_this()](error_code error) {
    if (error || self->exited_) return;
    self->escalated_ = true;
    self->signal_group(SIGKILL);
    if (self->signal_through_interpreter_) self->give_up_after_grace();
  });
}

// A warm interpreter that does not report even after SIGKILL (its user can
// stop it) must not hold a run slot for ever.
void ScriptProcess::give_up_after_grace() {
  escalation_.expires_after(limits_.kill_grace);
  escalation_.async_wait([self = shared_from_this()](error_code error) {
    if (error || self->exited_) return;
    self->stop_reason_ = "its warm interpreter did not report its exit";
    self->exited();
  });
}

void ScriptProcess::on_reported_exit() {
  std::int32_t status = 0;
  ssize_t n;
  do {
    n = ::read(exit_watch_.native_handle(), &status, sizeof status);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    wait_exit();
    return;
  }
  if (n == static_cast<ssize_t>(sizeof status)) {
    wait_status_ = status;
    status_known_ = true;
  } else if (stop_reason_.empty()) {
    stop_reason_ = "its warm interpreter exited before the script did";
  }
  exited();
}

void ScriptProcess::on_exit() {
  siginfo_t info{};
  int peeked;
  do {
    peeked = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (peeked < 0 && errno == EINTR);
  if (peeked == 0 && info.si_pid != pid_) {
    wait_exit();  // woken early: not a zombie yet
    return;
  }
  // Whatever the script left behind in its group goes with it, while the
  // zombie leader still holds the group id (it cannot be reused before the reap).
  if (peeked == 0) ::kill(-pid_, SIGKILL);
  for (;;) {
    const pid_t reaped = ::waitpid(pid_, &wait_status_, WNOHANG);
    if (reaped == pid_) {
      status_known_ = true;
      break;
    }
    if (reaped < 0 && errno == EINTR) continue;
    break;  // ECHILD: someone else reaped it
  }
  exited();
}

void ScriptProcess::exited() {
  exited_ = true;
  deadline_.cancel();
  escalation_.cancel();
  error_code ignored;
  exit_watch_.close(ignored);
  leftovers_since_ = std::chrono::steady_clock::now();
  end_leftovers();
  if (stdout_open_ || stderr_open_) {
    drain_.expires_after(limits_.drain);
    drain_.async_wait([self = shared_from_this()](error_code error) {
      if (error) return;
      error_code ignored;
      self->stdout_.close(ignored);
      self->stderr_.close(ignored);
    });
  }
  finish_if_done();
}

// Kills the run's other processes (those that left its group or its tree)
// until none is left; each pass a little later, as SIGKILL takes effect.
void ScriptProcess::end_leftovers() {
  constexpr auto pass_interval = std::chrono::milliseconds(10);
  if (!processes_ || processes_->kill_all() == 0 ||
      std::chrono::steady_clock::now() - leftovers_since_ > limits_.leftovers_grace) {
    leftovers_ended_ = true;
    return;
  }
  leftovers_.expires_after(pass_interval);
  leftovers_.async_wait([self = shared_from_this()](error_code error) {
    if (error) return;
    self->end_leftovers();
    self->finish_if_done();
  });
}

void ScriptProcess::finish_if_done() {
  if (!exited_ || !leftovers_ended_ || stdout_open_ || stderr_open_ || reported_) return;
  reported_ = true;
  drain_.cancel();
  processes_.reset();
  Done done = std::move(done_);
  if (done) done(execution());
}

sdk::CheckExecution ScriptProcess::execution() {
  sdk::CheckExecution result;
  result.output = output_.take();
  result.output_truncated = output_.truncated();
  result.stderr_tail = errors_.take();
  std::string signal_text;
  if (!status_known_) {
    result.exit_code = -1;
    result.error = "the exit status was lost (someone else reaped the process)";
  } else if (WIFEXITED(wait_status_)) {
    result.exit_code = WEXITSTATUS(wait_status_);
  } else if (WIFSIGNALED(wait_status_)) {
    const int signal_number = WTERMSIG(wait_status_);
    result.exit_code = 128 + signal_number;
    signal_text = "killed by " + signal_name(signal_number);
    result.error = signal_text;
  }
  if (timed_out_) {
    result.status = sdk::CheckExecution::Status::timed_out;
    result.error = "timed out after " + sdk::format_duration(limits_.timeout) +
                   (escalated_ ? "; it ignored SIGTERM for " + sdk::format_duration(limits_.kill_grace) +
                                     " and was killed with SIGKILL"
                               : "; its process group was stopped with SIGTERM");
  } else if (!stop_reason_.empty()) {
    result.error = stop_reason_ + (signal_text.empty() ? "" : " (" + signal_text + ")");
  }
  return result;
}

}  // namespace notifyd::exec
