#include "warm_interpreter.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace notifyd::exec {
namespace {

using Failure = sdk::Result<SpawnedChild>;

constexpr std::chrono::milliseconds exit_grace{2'000};
constexpr std::size_t diagnostics_bytes = 4096;
constexpr std::size_t title_room = 1024;
// NOTIFYD_RUN_ID with room for any run id (20 digits).
const std::string run_marker_slot = "NOTIFYD_RUN_ID=" + std::string(20, '-');

std::string error_text(const std::string& what) { return what + ": " + std::strerror(errno); }

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

sdk::Result<Pipe> make_pipe(int read_flags) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sdk::Result<Pipe>::failure(error_text("cannot create a pipe"));
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (read_flags != 0 && ::fcntl(pipe.read.get(), F_SETFL, ::fcntl(pipe.read.get(), F_GETFL) | read_flags) != 0) {
    return sdk::Result<Pipe>::failure(error_text("cannot set up a pipe"));
  }
  return pipe;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Waits up to `timeout` for `fd` to become readable; false on timeout.
bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd watched{fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&watched, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

}  // namespace

sdk::Result<std::shared_ptr<WarmInterpreter>> WarmInterpreter::start(const SpawnPlan& plan) {
  using Started = sdk::Result<std::shared_ptr<WarmInterpreter>>;
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
    return Started::failure(error_text("cannot create the warm interpreter's socket"));
  }
  UniqueFd ours(sockets[0]);
  UniqueFd theirs(sockets[1]);

  // The program goes through a pipe as the interpreter's stdin; it fits in
  // the pipe's buffer, so writing it first cannot block.
  auto source = make_pipe(0);
  if (!source) return Started::failure(source.error());
  if (warm_interpreter_program.size() >= static_cast<std::size_t>(::fcntl(source.value().write.get(), F_GETPIPE_SZ)) ||
      !write_all(source.value().write.get(), warm_interpreter_program)) {
    return Started::failure("cannot hand the warm interpreter its program");
  }
  source.value().write.reset();

  SpawnPlan interpreter = plan;
  // The padding is room for the title each run writes over its arguments.
  interpreter.arguments = {plan.program, "-", std::string(title_room, '.')};
  interpreter.run_environment.clear();
  // Room each run overwrites with its own id (warm_interpreter.py, `mark`),
  // so /proc/<pid>/environ of the run and of what it forks carries it.
  interpreter.environment.push_back(run_marker_slot);
  interpreter.cgroup_procs_fd = -1;
  interpreter.stdin_fd = source.value().read.get();
  interpreter.control_fd = theirs.get();
  auto process = spawn_child(interpreter);
  if (!process) return Started::failure(process.error());
  return std::shared_ptr<WarmInterpreter>(new WarmInterpreter(std::move(process).value(), std::move(ours)));
}

WarmInterpreter::WarmInterpreter(SpawnedChild process, UniqueFd control)
    : process_(std::move(process)), control_(std::move(control)) {}

WarmInterpreter::~WarmInterpreter() {
  control_.reset();
  if (!wait_readable(process_.pidfd.get(), exit_grace)) ::kill(process_.pid, SIGKILL);
  while (::waitpid(process_.pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

bool WarmInterpreter::alive() const {
  pollfd watched{process_.pidfd.get(), POLLIN, 0};
  return ::poll(&watched, 1, 0) == 0;
}

std::string WarmInterpreter::diagnostics() {
  std::lock_guard lock(mutex_);
  std::string text(diagnostics_bytes, '\0');
  std::size_t filled = 0;
  ::fcntl(process_.stderr_fd.get(), F_SETFL, ::fcntl(process_.stderr_fd.get(), F_GETFL) | O_NONBLOCK);
  while (filled < text.size()) {
    const ssize_t n = ::read(process_.stderr_fd.get(), text.data() + filled, text.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<std::size_t>(n);
  }
  text.resize(filled);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

bool WarmInterpreter::send(std::string_view message, const std::vector<int>& descriptors) {
  iovec data{const_cast<char*>(message.data()), message.size()};
  msghdr header{};
  header.msg_iov = &data;
  header.msg_iovlen = 1;
  std::vector<char> control;
  if (!descriptors.empty()) {
    control.assign(CMSG_SPACE(descriptors.size() * sizeof(int)), 0);
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    cmsghdr* rights = CMSG_FIRSTHDR(&header);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(descriptors.size() * sizeof(int));
    std::memcpy(CMSG_DATA(rights), descriptors.data(), descriptors.size() * sizeof(int));
  }
  ssize_t sent;
  do {
    sent = ::sendmsg(control_.get(), &header, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(message.size());
}

sdk::Result<SpawnedChild> WarmInterpreter::run(const std::string& script,
                                               const std::vector<std::string>& run_environment,
                                               int cgroup_procs_fd) {
  auto out = make_pipe(O_NONBLOCK);
  if (!out) return Failure::failure(out.error());
  auto err = make_pipe(O_NONBLOCK);
  if (!err) return Failure::failure(err.error());
  auto status = make_pipe(0);
  if (!status) return Failure::failure(status.error());
  auto hold = make_pipe(0);
  if (!hold) return Failure::failure(hold.error());

  std::string key;
  std::string request;
  {
    std::lock_guard lock(mutex_);
    key = std::to_string(next_key_++);
  }
  request.append("run").append(1, '\0').append(key).append(1, '\0').append(script);
  for (const auto& entry : run_environment) request.append(1, '\0').append(entry);
  if (!send(request, {out.value().write.get(), err.value().write.get(), status.value().write.get(),
                      hold.value().read.get()})) {
    return Failure::failure(error_text("the warm interpreter takes no requests"));
  }
  out.value().write.reset();
  err.value().write.reset();
  status.value().write.reset();
  hold.value().read.reset();

  const int status_fd = status.value().read.get();
  if (!wait_readable(status_fd, fork_timeout)) {
    // Stopped or stuck (its user's processes can signal it): it is our own
    // unreaped child, so the pid is still its own. The pool replaces it.
    ::kill(process_.pid, SIGKILL);
    return Failure::failure("the warm interpreter did not fork in time; it was stopped and will be replaced");
  }
  std::int32_t pid = 0;
  ssize_t n;
  do {
    n = ::read(status_fd, &pid, sizeof pid);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof pid)) return Failure::failure("the warm interpreter exited");
  if (pid <= 0) return Failure::failure(std::string("the warm interpreter cannot fork: ") + std::strerror(-pid));
  if (::fcntl(status_fd, F_SETFL, ::fcntl(status_fd, F_GETFL) | O_NONBLOCK) != 0) {
    signal(key, SIGKILL);
    return Failure::failure(error_text("cannot set up the run's status pipe"));
  }
  // The child waits for the end of the hold pipe before it runs the script,
  // so it is in the run's cgroup before it can start anything.
  if (cgroup_procs_fd >= 0) {
    const std::string text = std::to_string(pid);
    if (::write(cgroup_procs_fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      const std::string error = error_text("cannot move the script into its run's cgroup");
      signal(key, SIGKILL);
      return Failure::failure(error);
    }
  }
  hold.value().write.reset();

  SpawnedChild child;
  child.pid = pid;
  child.stdout_fd = std::move(out.value().read);
  child.stderr_fd = std::move(err.value().read);
  child.exit_status_fd = std::move(status.value().read);
  child.signal_group = [self = shared_from_this(), key](int signal_number) {
    self->signal(key, signal_number);
  };
  return child;
}

void WarmInterpreter::signal(const std::string& key, int signal_number) {
  std::string request;
  request.append("signal").append(1, '\0').append(key).append(1, '\0').append(std::to_string(signal_number));
  // When this fails the interpreter is gone, and its runs went with it.
  send(request, {});
}

}  // namespace notifyd::exec
