#include "local_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace notifyctl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds drain_after_exit{2'000};

class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  Descriptor(Descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Descriptor& operator=(Descriptor&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Descriptor() { close(); }
  int get() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct ChildError {
  int stage;  // 0 setsid, 1 redirect, 2 chdir, 3 exec
  int error;
};

[[noreturn]] void child_fail(int fd, int stage) {
  const ChildError failure{stage, errno};
  [[maybe_unused]] const ssize_t ignored = ::write(fd, &failure, sizeof failure);
  ::_exit(127);
}

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> result;
  const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    const std::string name = name_of(text);
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) { return name_of(e) == name; });
    if (!replaced) result.push_back(std::move(text));
  }
  result.insert(result.end(), extra.begin(), extra.end());
  return result;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

std::string signal_text(int signal_number) {
  if (const char* name = ::sigabbrev_np(signal_number)) return std::string("SIG") + name;
  return "signal " + std::to_string(signal_number);
}

void append_tail(std::string& tail, std::string_view bytes, std::size_t limit) {
  tail.append(bytes);
  if (tail.size() > 2 * limit + 4096) tail.erase(0, tail.size() - limit);
}

}  // namespace

LocalRun run_local_script(const std::string& interpreter, const std::string& script, const std::string& directory,
                          const std::vector<std::string>& extra_environment, const LocalLimits& limits) {
  LocalRun run;
  const auto fail = [&](std::string message) {
    run.status = LocalRun::Status::failed_to_start;
    run.error = std::move(message);
    return run;
  };
  int out[2], err[2], status[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  Descriptor out_read(out[0]), out_write(out[1]);
  if (::pipe2(err, O_CLOEXEC) != 0) return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  Descriptor err_read(err[0]), err_write(err[1]);
  if (::pipe2(status, O_CLOEXEC) != 0) return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  Descriptor status_read(status[0]), status_write(status[1]);
  Descriptor dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));

  const std::vector<std::string> arguments{interpreter, script};
  const std::vector<std::string> environment = merged_environment(extra_environment);
  const auto argv = c_strings(arguments);
  const auto envp = c_strings(environment);

  const pid_t pid = ::fork();
  if (pid < 0) return fail(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    const int report = status_write.get();
    if (::setsid() < 0) child_fail(report, 0);
    if (::dup2(dev_null.get(), STDIN_FILENO) < 0 || ::dup2(out_write.get(), STDOUT_FILENO) < 0 ||
        ::dup2(err_write.get(), STDERR_FILENO) < 0) {
      child_fail(report, 1);
    }
    if (::chdir(directory.c_str()) != 0) child_fail(report, 2);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) ::sigaction(signal_number, &default_action, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(interpreter.c_str(), argv.data(), envp.data());
    child_fail(report, 3);
  }
  out_write.close();
  err_write.close();
  status_write.close();

  ChildError failure{};
  ssize_t received;
  do {
    received = ::read(status_read.get(), &failure, sizeof failure);
  } while (received < 0 && errno == EINTR);
  if (received == static_cast<ssize_t>(sizeof failure)) {
    ::waitpid(pid, nullptr, 0);
    const std::string reason = std::strerror(failure.error);
    switch (failure.stage) {
      case 2: return fail("cannot enter " + directory + ": " + reason);
      case 3: return fail("cannot execute " + interpreter + ": " + reason);
      default: return fail("cannot start " + script + ": " + reason);
    }
  }
  Descriptor pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

  auto deadline = Clock::now() + limits.timeout;
  bool terminated = false, killed = false, exited = false;
  int wait_status = 0;
  char buffer[65536];
  for (;;) {
    if (exited && out_read.get() < 0 && err_read.get() < 0) break;
    if (Clock::now() >= deadline) {
      if (exited) break;  // a descendant outside the group holds the pipes
      killed = terminated;
      terminated = true;
      ::kill(-pid, killed ? SIGKILL : SIGTERM);
      deadline = Clock::now() + limits.kill_grace;
    }
    pollfd fds[3] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}, {exited ? -1 : pidfd.get(), POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int ready = ::poll(fds, 3, static_cast<int>(std::clamp<std::int64_t>(left + 1, 0, 60'000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (i == 0 ? out_read : err_read).close();
        continue;
      }
      const std::string_view bytes(buffer, static_cast<std::size_t>(n));
      if (i == 0) {
        const std::size_t room = limits.max_output - std::min(limits.max_output, run.output.size());
        run.output.append(bytes.substr(0, room));
        if (bytes.size() > room) run.output_truncated = true;
      } else {
        append_tail(run.stderr_tail, bytes, limits.max_stderr);
      }
    }
    siginfo_t info{};
    const bool leader_gone =
        pidfd.get() >= 0 && (fds[2].revents & POLLIN) != 0 &&
        ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
    if (!exited && (leader_gone || (pidfd.get() < 0 && out_read.get() < 0 && err_read.get() < 0))) {
      ::kill(-pid, SIGKILL);  // what it left in its group goes with it, before the reap frees the group id
      while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
      }
      exited = true;
      deadline = Clock::now() + drain_after_exit;
    }
  }
  if (!exited) {
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }
  if (run.stderr_tail.size() > limits.max_stderr) run.stderr_tail.erase(0, run.stderr_tail.size() - limits.max_stderr);

  if (WIFEXITED(wait_status)) {
    run.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    run.exit_code = 128 + WTERMSIG(wait_status);
    run.error = "killed by " + signal_text(WTERMSIG(wait_status));
  }
  if (terminated) {
    run.status = LocalRun::Status::timed_out;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limits.timeout).count();
    run.error = "timed out after " + std::to_string(seconds) + " s" +
                (killed ? "; it ignored SIGTERM and was killed with SIGKILL" : "; its process group was stopped");
  }
  return run;
}

}  // namespace notifyctl
