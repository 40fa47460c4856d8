#include "run_processes.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "notifyd/sdk/user_file.hpp"

namespace notifyd::exec {
namespace {

constexpr const char* run_cgroup_prefix = "notifyd-run-";
constexpr std::uint64_t max_environment_bytes = 1 << 20;

std::string error_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string read_small_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, std::string_view text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  return fd && ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

std::vector<pid_t> pids_in(const std::string& cgroup) {
  std::vector<pid_t> pids;
  std::istringstream lines(read_small_file(cgroup + "/cgroup.procs"));
  for (long pid; lines >> pid;) pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

// Kills what is in `cgroup` (cgroup.kill since Linux 5.14, else one by one).
std::size_t kill_cgroup_at(const std::string& cgroup) {
  const auto pids = pids_in(cgroup);
  if (pids.empty()) return 0;
  if (!write_text(cgroup + "/cgroup.kill", "1")) {
    for (const pid_t pid : pids) ::kill(pid, SIGKILL);
  }
  return pids.size();
}

// The daemon's cgroup v2 directory, or why there is none.
std::optional<std::string> own_cgroup(std::string& why_not) {
  std::string relative;
  {
    std::istringstream lines(read_small_file("/proc/self/cgroup"));
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("0::")) relative = line.substr(3);
    }
  }
  if (relative.empty()) {
    why_not = "the daemon is in no cgroup v2 (/proc/self/cgroup has no 0:: line)";
    return std::nullopt;
  }
  std::istringstream lines(read_small_file("/proc/self/mountinfo"));
  for (std::string line; std::getline(lines, line);) {
    // id parent major:minor root mount-point options [optional...] - type source super-options
    const auto separator = line.find(" - ");
    if (separator == std::string::npos || !line.substr(separator + 3).starts_with("cgroup2 ")) continue;
    std::istringstream fields(line.substr(0, separator));
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (root != "/" && !(relative == root || relative.starts_with(root + "/"))) continue;
    const std::string inside = root == "/" ? relative : relative.substr(root.size());
    return mount_point + (inside == "/" ? "" : inside);
  }
  why_not = "no cgroup2 file system is mounted";
  return std::nullopt;
}

// Kills and removes the run cgroups of daemons that are gone.
void remove_stale_run_cgroups(const std::string& root) {
  DIR* directory = ::opendir(root.c_str());
  if (directory == nullptr) return;
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(directory)) {
    const std::string name = entry->d_name;
    if (!name.starts_with(run_cgroup_prefix)) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + std::strlen(run_cgroup_prefix)));
    if (owner > 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH) stale.push_back(root + "/" + name);
  }
  ::closedir(directory);
  for (const auto& cgroup : stale) {
    kill_cgroup_at(cgroup);
    ::rmdir(cgroup.c_str());
  }
}

std::uint64_t clock_ticks_since_boot() {
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  const auto hertz = static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
  return static_cast<std::uint64_t>(now.tv_sec) * hertz +
         static_cast<std::uint64_t>(now.tv_nsec) * hertz / 1'000'000'000ULL;
}

// Field 22 of /proc/<pid>/stat, the start time in clock ticks since boot.
std::optional<std::uint64_t> start_ticks(const std::string& pid) {
  const std::string stat = read_small_file("/proc/" + pid + "/stat");
  const auto end_of_name = stat.rfind(')');
  if (end_of_name == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(end_of_name + 2));
  std::string field;
  for (int number = 3; fields >> field; ++number) {
    if (number == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return std::nullopt;
}

bool has_entry(const std::string& environment, const std::string& entry) {
  for (std::size_t start = 0; start < environment.size();) {
    const auto end = environment.find('\0', start);
    const auto length = (end == std::string::npos ? environment.size() : end) - start;
    if (environment.compare(start, length, entry) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::optional<RunCgroupRoot> RunCgroupRoot::detect(std::string& why_not) {
  auto root = own_cgroup(why_not);
  if (!root) return std::nullopt;
  const std::string probe = *root + "/" + run_cgroup_prefix + std::to_string(::getpid()) + "-probe";
  if (::mkdir(probe.c_str(), 0755) != 0 && errno != EEXIST) {
    why_not = error_text("cannot create a cgroup in " + *root);
    return std::nullopt;
  }
  const bool procs = ::access((probe + "/cgroup.procs").c_str(), W_OK) == 0;
  if (::rmdir(probe.c_str()) != 0 || !procs) {
    why_not = "cannot use the cgroups made in " + *root;
    return std::nullopt;
  }
  remove_stale_run_cgroups(*root);
  return RunCgroupRoot(*root);
}

sdk::Result<std::unique_ptr<RunProcesses>> RunProcesses::in_cgroup(const RunCgroupRoot& root, std::uint64_t run_id) {
  using R = sdk::Result<std::unique_ptr<RunProcesses>>;
  std::unique_ptr<RunProcesses> processes(new RunProcesses());
  const std::string path =
      root.path() + "/" + run_cgroup_prefix + std::to_string(::getpid()) + "-" + std::to_string(run_id);
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return R::failure(error_text("cannot create the run's cgroup " + path));
  }
  processes->cgroup_ = path;
  processes->procs_.reset(::open((path + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
  if (!processes->procs_) return R::failure(error_text("cannot open " + path + "/cgroup.procs"));
  return processes;
}

std::unique_ptr<RunProcesses> RunProcesses::by_marker(std::string user, uid_t uid, std::uint64_t run_id) {
  std::unique_ptr<RunProcesses> processes(new RunProcesses());
  processes->user_ = std::move(user);
  processes->uid_ = uid;
  processes->marker_ = "NOTIFYD_RUN_ID=" + std::to_string(run_id);
  // A second of slack: the clock and the start times are rounded differently.
  const auto hertz = static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
  const auto now = clock_ticks_since_boot();
  processes->started_ticks_ = now > hertz ? now - hertz : 0;
  return processes;
}

RunProcesses::~RunProcesses() {
  procs_.reset();
  if (!cgroup_.empty()) ::rmdir(cgroup_.c_str());
}

std::size_t RunProcesses::kill_all() { return cgroup_.empty() ? kill_marked() : kill_cgroup(); }

std::size_t RunProcesses::kill_cgroup() { return kill_cgroup_at(cgroup_); }

std::size_t RunProcesses::kill_marked() {
  DIR* directory = ::opendir("/proc");
  if (directory == nullptr) return 0;
  std::vector<std::string> candidates;
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(directory)) {
    const char* name = entry->d_name;
    if (*name < '1' || *name > '9' || std::atol(name) == self) continue;
    struct stat info {};
    if (::stat(("/proc/" + std::string(name)).c_str(), &info) == 0 && info.st_uid == uid_) candidates.push_back(name);
  }
  ::closedir(directory);
  std::size_t killed = 0;
  for (const auto& pid : candidates) {
    const auto started = start_ticks(pid);
    if (!started || *started < started_ticks_) continue;
    // Through a pidfd: the process checked is the one signalled, even if it exits and its pid is reused.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, std::atoi(pid.c_str()), 0)));
    if (!pidfd) continue;
    auto environment = sdk::read_file_as_user(user_, "/proc/" + pid + "/environ", max_environment_bytes);
    if (!environment || !has_entry(environment.value(), marker_)) continue;
    if (::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0) == 0) ++killed;
  }
  return killed;
}

}  // namespace notifyd::exec
