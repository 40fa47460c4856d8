#include "child_spawn.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace notifyd::exec {
namespace {

/// The step at which a child failed, sent to the parent with its errno.
enum class ChildStage : int { cgroup, session, redirect, groups, gid, uid, parent_death, directory, execute };

struct ChildFailure {
  ChildStage stage;
  int error;
};

/// What the child reads after fork(); all of it prepared by the parent.
struct ChildSetup {
  const char* program;
  char* const* argv;
  char* const* envp;
  const char* directory;
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int status_fd;
  int control_fd;
  int cgroup_procs_fd;
  const ChildIdentity* identity;
  int max_fd;
};

constexpr int status_fd_in_child = 3;
constexpr int control_fd_in_child = 4;
/// Every descriptor the parent hands over is moved at least this high, so
/// placing one at its number in the child cannot overwrite another.
constexpr int first_free_descriptor = control_fd_in_child + 1;

[[noreturn]] void fail_in_child(int status_fd, ChildStage stage) {
  const ChildFailure failure{stage, errno};
  [[maybe_unused]] const ssize_t ignored = ::write(status_fd, &failure, sizeof failure);
  ::_exit(127);
}

void close_from(int first, int max_fd) {
  if (::syscall(SYS_close_range, first, ~0U, 0) == 0) return;
  for (int fd = first; fd < max_fd; ++fd) ::close(fd);
}

// Runs between fork() and execve(): async-signal-safe calls only.
[[noreturn]] void run_child(const ChildSetup& setup) {
  int status_fd = setup.status_fd;
  if (setup.cgroup_procs_fd >= 0 && ::write(setup.cgroup_procs_fd, "0", 1) != 1) {
    fail_in_child(status_fd, ChildStage::cgroup);
  }
  if (::setsid() < 0) fail_in_child(status_fd, ChildStage::session);
  if (::dup2(setup.stdin_fd, STDIN_FILENO) < 0 || ::dup2(setup.stdout_fd, STDOUT_FILENO) < 0 ||
      ::dup2(setup.stderr_fd, STDERR_FILENO) < 0) {
    fail_in_child(status_fd, ChildStage::redirect);
  }
  if (::dup3(status_fd, status_fd_in_child, O_CLOEXEC) < 0) fail_in_child(status_fd, ChildStage::redirect);
  status_fd = status_fd_in_child;
  if (setup.control_fd >= 0) {
    if (::dup2(setup.control_fd, control_fd_in_child) < 0) fail_in_child(status_fd, ChildStage::redirect);
    close_from(control_fd_in_child + 1, setup.max_fd);
  } else {
    close_from(status_fd_in_child + 1, setup.max_fd);
  }

  if (const ChildIdentity* identity = setup.identity) {
    if (::setgroups(identity->groups.size(), identity->groups.data()) != 0) {
      fail_in_child(status_fd, ChildStage::groups);
    }
    if (::setgid(identity->gid) != 0) fail_in_child(status_fd, ChildStage::gid);
    if (::setuid(identity->uid) != 0) fail_in_child(status_fd, ChildStage::uid);
  }
  // Cleared by a credential change, so set after it: a crashed daemon takes
  // the script with it (its process group is killed on every other path).
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_in_child(status_fd, ChildStage::parent_death);
  if (::chdir(setup.directory) != 0) fail_in_child(status_fd, ChildStage::directory);
  ::umask(022);

  // The kernel's rt_sigaction, not glibc's sigaction: glibc refuses the two
  // signals it reserves (32, 33), and a daemon started with them ignored
  // would pass that on to every script.
  struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  };
  const KernelSigaction default_action{SIG_DFL, 0, nullptr, 0};
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    ::syscall(SYS_rt_sigaction, signal_number, &default_action, nullptr, sizeof(unsigned long));
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  ::execve(setup.program, setup.argv, setup.envp);
  fail_in_child(status_fd, ChildStage::execute);
}

std::string describe_failure(const ChildFailure& failure, const SpawnPlan& plan) {
  const std::string reason = std::strerror(failure.error);
  switch (failure.stage) {
    case ChildStage::cgroup: return "cannot move the script into its run's cgroup: " + reason;
    case ChildStage::session: return "cannot start a session for the script: " + reason;
    case ChildStage::redirect: return "cannot connect the script's output: " + reason;
    case ChildStage::groups: return "cannot set the script's supplementary groups: " + reason;
    case ChildStage::gid: return "cannot switch the script to its user's group: " + reason;
    case ChildStage::uid: return "cannot switch the script to its user: " + reason;
    case ChildStage::parent_death: return "cannot tie the script to notifyd's lifetime: " + reason;
    case ChildStage::directory: return "cannot enter the working directory " + plan.working_directory + ": " + reason;
    case ChildStage::execute: return "cannot execute " + plan.program + ": " + reason;
  }
  return "the script could not be started: " + reason;
}

// Moves `fd` above the numbers it could be placed at in the child.
bool lift(UniqueFd& fd) {
  if (fd.get() >= first_free_descriptor) return true;
  const int lifted = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, first_free_descriptor);
  if (lifted < 0) return false;
  fd.reset(lifted);
  return true;
}

// A close-on-exec copy of the caller's `fd`, lifted; empty for -1.
sdk::Result<UniqueFd> lifted_copy(int fd, const char* what) {
  if (fd < 0) return UniqueFd();
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, first_free_descriptor));
  if (!copy) return sdk::Result<UniqueFd>::failure(std::string("cannot pass the ") + what + ": " + std::strerror(errno));
  return copy;
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

sdk::Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sdk::Result<Pipe>::failure(std::string("cannot create a pipe: ") + std::strerror(errno));
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (!lift(pipe.read) || !lift(pipe.write)) {
    return sdk::Result<Pipe>::failure(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return pipe;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

int highest_descriptor_bound() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < (1u << 20)) {
    return static_cast<int>(limit.rlim_cur);
  }
  return 1 << 16;
}

void reap(pid_t pid) {
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

sdk::Result<SpawnedChild> spawn_child(const SpawnPlan& plan) {
  using Failure = sdk::Result<SpawnedChild>;
  if (plan.program.empty() || plan.arguments.empty()) return Failure::failure("nothing to execute");

  auto input = lifted_copy(plan.stdin_fd, "standard input");
  if (!input) return Failure::failure(input.error());
  if (!input.value()) {
    input.value().reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!input.value() || !lift(input.value())) {
      return Failure::failure(std::string("cannot open /dev/null: ") + std::strerror(errno));
    }
  }
  auto control = lifted_copy(plan.control_fd, "control socket");
  if (!control) return Failure::failure(control.error());
  auto out = make_pipe();
  if (!out) return Failure::failure(out.error());
  auto err = make_pipe();
  if (!err) return Failure::failure(err.error());
  auto status = make_pipe();
  if (!status) return Failure::failure(status.error());
  for (const UniqueFd* fd : {&out.value().read, &err.value().read}) {
    if (::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK) != 0) {
      return Failure::failure(std::string("cannot make a pipe non-blocking: ") + std::strerror(errno));
    }
  }

  const std::vector<char*> argv = c_strings(plan.arguments);
  std::vector<std::string> environment = plan.environment;
  environment.insert(environment.end(), plan.run_environment.begin(), plan.run_environment.end());
  const std::vector<char*> envp = c_strings(environment);
  const ChildSetup setup{plan.program.c_str(),
                         argv.data(),
                         envp.data(),
                         plan.working_directory.c_str(),
                         input.value().get(),
                         out.value().write.get(),
                         err.value().write.get(),
                         status.value().write.get(),
                         control.value().get(),
                         plan.cgroup_procs_fd,
                         plan.identity ? &*plan.identity : nullptr,
                         highest_descriptor_bound()};

  // With every signal blocked, no handler of the daemon runs in the child
  // before it has reset them all.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  const pid_t pid = ::fork();
  if (pid == 0) run_child(setup);
  const int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) return Failure::failure(std::string("cannot fork: ") + std::strerror(fork_error));

  out.value().write.reset();
  err.value().write.reset();
  status.value().write.reset();
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  const int pidfd_error = errno;

  ChildFailure failure{};
  std::size_t received = 0;
  while (received < sizeof failure) {
    const ssize_t n = ::read(status.value().read.get(), reinterpret_cast<char*>(&failure) + received,
                             sizeof failure - received);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  if (received == sizeof failure) {
    reap(pid);
    return Failure::failure(describe_failure(failure, plan));
  }
  if (!pidfd) {
    ::kill(-pid, SIGKILL);
    reap(pid);
    return Failure::failure(std::string("cannot watch the script's process (pidfd_open): ") + std::strerror(pidfd_error));
  }
  SpawnedChild child;
  child.pid = pid;
  child.pidfd = std::move(pidfd);
  child.stdout_fd = std::move(out.value().read);
  child.stderr_fd = std::move(err.value().read);
  return child;
}

}  // namespace notifyd::exec
