#include "doctor_probe.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pg_schema.hpp"
#include "pg_session.hpp"

extern char** environ;

namespace notifyctl {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t config_text_limit = 4 << 20;
constexpr std::size_t check_output_limit = 256 << 10;
constexpr std::size_t env_file_limit = 1 << 20;

std::string error_text(int error) { return std::strerror(error); }

std::string user_name(uid_t uid) {
  if (const passwd* entry = ::getpwuid(uid); entry != nullptr && entry->pw_name != nullptr) return entry->pw_name;
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  if (const group* entry = ::getgrgid(gid); entry != nullptr && entry->gr_name != nullptr) return entry->gr_name;
  return std::to_string(gid);
}

// Whole file, at most `limit` bytes; nothing (and errno in `error`) when it cannot be read.
std::optional<std::string> read_text(const std::string& path, std::size_t limit, int& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  std::string text;
  char buffer[8192];
  while (text.size() < limit) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(std::min<std::size_t>(n, limit - text.size())));
  }
  ::close(fd);
  return text;
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<gid_t> current_groups() {
  std::vector<gid_t> groups;
  const int count = ::getgroups(0, nullptr);
  if (count > 0) {
    groups.resize(static_cast<std::size_t>(count));
    const int got = ::getgroups(count, groups.data());
    groups.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  }
  groups.push_back(::getegid());
  return groups;
}

// The groups the user database gives `uid` (what a new login would get).
std::vector<gid_t> listed_groups(uid_t uid) {
  std::vector<gid_t> groups;
  const passwd* entry = ::getpwuid(uid);
  if (entry == nullptr || entry->pw_name == nullptr) return groups;
  const std::string name = entry->pw_name;
  const gid_t primary = entry->pw_gid;
  int count = 64;
  for (int attempt = 0; attempt < 4; ++attempt) {
    groups.assign(static_cast<std::size_t>(count), 0);
    int wanted = count;
    if (::getgrouplist(name.c_str(), primary, groups.data(), &wanted) >= 0) {
      groups.resize(static_cast<std::size_t>(wanted));
      return groups;
    }
    if (wanted <= count) break;
    count = wanted;
  }
  groups.clear();
  return groups;
}

bool contains(const std::vector<gid_t>& groups, gid_t gid) {
  return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// Reads the child's stdout and stderr until it closes both or the deadline passes.
bool collect_output(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline, std::string& output,
                    std::string& error_output) {
  pollfd descriptors[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* targets[2] = {&output, &error_output};
  char buffer[8192];
  while (descriptors[0].fd >= 0 || descriptors[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int ready = ::poll(descriptors, 2, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return true;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (descriptors[i].fd < 0 || descriptors[i].revents == 0) continue;
      const ssize_t n = ::read(descriptors[i].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        descriptors[i].fd = -1;
        continue;
      }
      std::string& target = *targets[i];
      if (target.size() < check_output_limit) {
        target.append(buffer, std::min(static_cast<std::size_t>(n), check_output_limit - target.size()));
      }
    }
  }
  return true;
}

// The arguments of process `pid`, from /proc; empty when it cannot be read.
std::vector<std::string> process_arguments(pid_t pid) {
  int error = 0;
  const auto text = read_text("/proc/" + std::to_string(pid) + "/cmdline", config_text_limit, error);
  std::vector<std::string> arguments;
  if (!text) return arguments;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\0');
    arguments.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return arguments;
}

}  // namespace

ConfigFileFacts probe_config_file(const std::string& path, std::string& text) {
  ConfigFileFacts facts;
  facts.path = path;
  facts.caller_is_root = ::geteuid() == 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    facts.exists = errno != ENOENT;
    facts.error = error_text(errno);
    return facts;
  }
  facts.exists = true;
  int error = 0;
  if (auto content = read_text(path, config_text_limit, error)) {
    facts.readable = true;
    text = std::move(*content);
  } else {
    facts.error = error_text(error);
  }
  return facts;
}

std::string find_notifyd_binary() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::string beside = (self.parent_path() / "notifyd").string();
    if (is_executable_file(beside)) return beside;
  }
  const char* path = std::getenv("PATH");
  std::string_view directories = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::size_t colon = directories.find(':');
    const std::string directory(directories.substr(0, colon));
    if (!directory.empty()) {
      const std::string candidate = directory + "/notifyd";
      if (is_executable_file(candidate)) return candidate;
    }
    if (colon == std::string_view::npos) break;
    directories.remove_prefix(colon + 1);
  }
  return {};
}

ConfigCheckFacts probe_config_check(const std::string& notifyd_path, const std::string& config_path,
                                    std::chrono::milliseconds timeout) {
  ConfigCheckFacts facts;
  facts.config_path = config_path;
  facts.notifyd_path = notifyd_path;
  if (notifyd_path.empty()) return facts;

  int pipe_fds[2];
  int error_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    facts.start_error = "cannot create a pipe: " + error_text(errno);
    return facts;
  }
  if (::pipe2(error_fds, O_CLOEXEC) != 0) {
    facts.start_error = "cannot create a pipe: " + error_text(errno);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return facts;
  }
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, error_fds[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attributes, 0);

  std::vector<std::string> arguments{notifyd_path, "-c", config_path, "--check-config", "--json"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, notifyd_path.c_str(), &actions, &attributes, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attributes);
  ::close(pipe_fds[1]);
  ::close(error_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    ::close(error_fds[0]);
    facts.start_error = error_text(spawned);
    return facts;
  }
  const bool finished = collect_output(pipe_fds[0], error_fds[0], std::chrono::steady_clock::now() + timeout,
                                       facts.output, facts.error_output);
  ::close(pipe_fds[0]);
  ::close(error_fds[0]);
  if (!finished) {
    ::kill(-pid, SIGKILL);
    facts.timed_out = true;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!facts.timed_out) {
    if (WIFEXITED(status)) facts.exit_status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) facts.exit_status = 128 + WTERMSIG(status);
  }
  return facts;
}

SocketFacts probe_socket(const std::string& path) {
  SocketFacts facts;
  facts.path = path;
  const uid_t caller = ::geteuid();
  facts.caller_is_root = caller == 0;
  facts.caller_name = user_name(caller);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    facts.missing = errno == ENOENT;
    facts.stat_error = error_text(errno);
    return facts;
  }
  facts.is_socket = S_ISSOCK(st.st_mode);
  facts.mode = st.st_mode & 07777;
  facts.owner_name = user_name(st.st_uid);
  facts.group_name = group_name(st.st_gid);
  facts.caller_is_owner = caller == st.st_uid;
  facts.caller_in_group_now = contains(current_groups(), st.st_gid);
  facts.caller_in_group_listed = contains(listed_groups(caller), st.st_gid);
  facts.caller_may_write = ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0;
  return facts;
}

std::optional<std::string> daemon_config_path(const std::string& socket_path) {
  sockaddr_un address{};
  if (socket_path.size() >= sizeof address.sun_path) return std::nullopt;
  address.sun_family = AF_UNIX;
  socket_path.copy(address.sun_path, sizeof address.sun_path - 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  ucred peer{};
  socklen_t size = sizeof peer;
  const bool known = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 && peer.pid > 0;
  ::close(fd);
  if (!known) return std::nullopt;
  const auto arguments = process_arguments(peer.pid);
  if (arguments.empty()) return std::nullopt;
  std::string path(default_config_path);
  for (std::size_t i = 1; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == "-c" || arguments[i] == "--config") path = arguments[++i];
  }
  if (path.front() == '/') return path;
  std::error_code error;
  const fs::path directory = fs::read_symlink("/proc/" + std::to_string(peer.pid) + "/cwd", error);
  if (error) return std::nullopt;
  return (directory / path).lexically_normal().string();
}

DataDirFacts probe_data_dir(const std::string& path) {
  DataDirFacts facts;
  facts.path = path;
  facts.caller_is_root = ::geteuid() == 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    facts.missing = errno == ENOENT;
    facts.stat_error = error_text(errno);
    return facts;
  }
  facts.is_directory = S_ISDIR(st.st_mode);
  facts.mode = st.st_mode & 07777;
  facts.owner_name = user_name(st.st_uid);
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) == 0) {
    facts.read_only_file_system = (vfs.f_flag & ST_RDONLY) != 0;
    facts.free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (vfs.f_blocks > 0) facts.free_fraction = static_cast<double>(vfs.f_bavail) / static_cast<double>(vfs.f_blocks);
  }
  facts.writable_by_caller = ::faccessat(AT_FDCWD, path.c_str(), W_OK | X_OK, AT_EACCESS) == 0;
  return facts;
}

std::optional<std::string> environment_file_value(std::string_view text, std::string_view name) {
  std::optional<std::string> value;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::string entry = trim(line);
    if (entry.empty() || entry.front() == '#' || entry.front() == ';') continue;
    if (entry.rfind("export ", 0) == 0) entry = trim(std::string_view(entry).substr(7));
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos || trim(std::string_view(entry).substr(0, equals)) != name) continue;
    std::string assigned = trim(std::string_view(entry).substr(equals + 1));
    if (assigned.size() >= 2 && (assigned.front() == '"' || assigned.front() == '\'') &&
        assigned.back() == assigned.front()) {
      assigned = assigned.substr(1, assigned.size() - 2);
    }
    value = std::move(assigned);
  }
  return value;
}

TokenFacts probe_secret(const SecretSource& source, const std::string& env_file) {
  TokenFacts facts;
  facts.instance = source.instance;
  facts.secret = source.key;
  facts.token_env = source.variable;
  facts.token_file = source.file;
  facts.env_file = env_file;
  int error = 0;
  if (!source.file.empty()) {
    if (auto text = read_text(source.file, env_file_limit, error)) {
      facts.state = trim(*text).empty() ? TokenFacts::State::empty : TokenFacts::State::present;
    } else if (error == ENOENT) {
      facts.state = TokenFacts::State::absent;
    } else {
      facts.state = TokenFacts::State::unreadable;
      facts.error = error_text(error);
    }
    return facts;
  }
  if (source.variable.empty()) return facts;
  if (auto text = read_text(env_file, env_file_limit, error)) {
    const auto value = environment_file_value(*text, source.variable);
    facts.state = !value ? TokenFacts::State::absent
                         : (value->empty() ? TokenFacts::State::empty : TokenFacts::State::present);
  } else if (error == ENOENT) {
    // No EnvironmentFile: the daemon may have been started by hand with the variable set.
    const char* value = std::getenv(source.variable.c_str());
    facts.env_file.clear();
    facts.state = value == nullptr ? TokenFacts::State::absent
                                   : (*value == '\0' ? TokenFacts::State::empty : TokenFacts::State::present);
    if (facts.state == TokenFacts::State::absent) facts.env_file = env_file;
  } else {
    facts.state = TokenFacts::State::unreadable;
    facts.error = error_text(error);
  }
  return facts;
}

std::string config_directory_file(const std::string& config_path, const char* name) {
  return (fs::path(config_path).parent_path() / name).string();
}

std::optional<std::string> read_secret(const SecretSource& source, const std::string& env_file, std::string& error) {
  int failure = 0;
  if (!source.file.empty()) {
    auto text = read_text(source.file, env_file_limit, failure);
    if (!text) {
      error = "cannot read " + source.key + "_file " + source.file + ": " + error_text(failure);
      return std::nullopt;
    }
    std::string value = *text;
    value.erase(0, value.find_first_not_of(" \t\r\n"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    if (value.empty()) error = source.key + "_file " + source.file + " is empty";
    return value.empty() ? std::nullopt : std::optional(value);
  }
  if (source.variable.empty()) {
    error = "neither " + source.key + "_env nor " + source.key + "_file is set";
    return std::nullopt;
  }
  if (const char* value = std::getenv(source.variable.c_str()); value != nullptr && *value != '\0') return value;
  if (auto text = read_text(env_file, env_file_limit, failure)) {
    if (auto value = environment_file_value(*text, source.variable); value && !value->empty()) return value;
    error = source.variable + " is set neither in the environment nor in " + env_file;
  } else {
    error = source.variable + " is not set in the environment (and " + env_file + " cannot be read: " +
            error_text(failure) + ")";
  }
  return std::nullopt;
}

PostgresFacts probe_postgres(const std::string& dsn) {
  PostgresFacts facts;
  facts.expected_version = notifyd::core::pg_schema_version();
  notifyd::core::PgSession session(dsn, std::chrono::seconds(5), std::chrono::seconds(5), "notifyctl");
  auto version = notifyd::core::read_pg_schema_version(session);
  if (!version) {
    facts.error = version.error();
    return facts;
  }
  facts.connected = true;
  facts.version = version.value();
  return facts;
}

}  // namespace notifyctl
