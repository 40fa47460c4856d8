#include "notifyd/sdk/user_file.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

namespace notifyd::sdk {
namespace {

constexpr int max_groups = 65536;

struct Credentials {
  uid_t uid;
  gid_t gid;
  std::vector<gid_t> groups;
};

std::optional<Credentials> credentials_of(std::string_view user) {
  const std::string name(user);
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  Credentials credentials{entry.pw_uid, entry.pw_gid, std::vector<gid_t>(64)};
  int count = static_cast<int>(credentials.groups.size());
  while (::getgrouplist(name.c_str(), entry.pw_gid, credentials.groups.data(), &count) < 0) {
    if (count <= static_cast<int>(credentials.groups.size()) || count > max_groups) return std::nullopt;
    credentials.groups.resize(static_cast<std::size_t>(count));
  }
  credentials.groups.resize(static_cast<std::size_t>(count));
  return credentials;
}

// The calling thread's file-system identity, switched for as long as this
// lives. Raw system calls: glibc's setgroups() would switch every thread.
class ThreadFileIdentity {
 public:
  explicit ThreadFileIdentity(const Credentials& as) {
    const int count = ::getgroups(0, nullptr);
    if (count < 0) return;
    saved_groups_.resize(static_cast<std::size_t>(count));
    if (::getgroups(count, saved_groups_.data()) != count) return;
    saved_gid_ = static_cast<gid_t>(::syscall(SYS_setfsgid, as.gid));
    gid_switched_ = true;
    if (::syscall(SYS_setgroups, as.groups.size(), as.groups.data()) != 0) return;
    groups_switched_ = true;
    saved_uid_ = static_cast<uid_t>(::syscall(SYS_setfsuid, as.uid));
    uid_switched_ = true;
    // setfsuid/setfsgid report the previous value, not failure: ask again.
    active_ = current_fsuid() == as.uid && current_fsgid() == as.gid;
  }
  ~ThreadFileIdentity() {
    if (uid_switched_) ::syscall(SYS_setfsuid, saved_uid_);
    if (groups_switched_) ::syscall(SYS_setgroups, saved_groups_.size(), saved_groups_.data());
    if (gid_switched_) ::syscall(SYS_setfsgid, saved_gid_);
  }
  ThreadFileIdentity(const ThreadFileIdentity&) = delete;
  ThreadFileIdentity& operator=(const ThreadFileIdentity&) = delete;

  bool active() const noexcept { return active_; }

 private:
  static uid_t current_fsuid() { return static_cast<uid_t>(::syscall(SYS_setfsuid, static_cast<uid_t>(-1))); }
  static gid_t current_fsgid() { return static_cast<gid_t>(::syscall(SYS_setfsgid, static_cast<gid_t>(-1))); }

  std::vector<gid_t> saved_groups_;
  uid_t saved_uid_ = 0;
  gid_t saved_gid_ = 0;
  bool gid_switched_ = false;
  bool groups_switched_ = false;
  bool uid_switched_ = false;
  bool active_ = false;
};

// Up to `limit` bytes until end of file or an error, read in chunks.
std::string read_at_most(int fd, std::size_t limit) {
  constexpr std::size_t chunk = 64 * 1024;
  std::string bytes;
  while (bytes.size() < limit) {
    const std::size_t got = bytes.size();
    bytes.resize(got + std::min(chunk, limit - got));
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) {
      bytes.resize(got);
      continue;
    }
    bytes.resize(got + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n <= 0) break;
  }
  return bytes;
}

// O_NONBLOCK: a FIFO must not hold the caller in open().
constexpr int open_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

}  // namespace

Result<std::string> read_file_as_user(std::string_view user, const std::string& path, std::uint64_t max_bytes) noexcept {
  using R = Result<std::string>;
  try {
    const std::string unreadable =
        path + " cannot be read by " + std::string(user) + " (it does not exist, or " + std::string(user) +
        " may not read it)";
    const auto credentials = credentials_of(user);
    if (!credentials) return R::failure(unreadable);
    int fd = -1;
    if (::geteuid() == 0) {
      ThreadFileIdentity identity(*credentials);
      if (identity.active()) fd = ::open(path.c_str(), open_flags);
    } else if (credentials->uid == ::geteuid()) {
      fd = ::open(path.c_str(), open_flags);
    }
    if (fd < 0) return R::failure(unreadable);
    struct stat info {};
    std::string bytes;
    std::string problem;
    const std::string too_large = path + " is larger than " + std::to_string(max_bytes) + " bytes";
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      problem = path + " is not a regular file";
    } else if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
      problem = too_large;
    } else {
      // To the end, not st_size: a file may grow, and /proc files have none.
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      bytes = read_at_most(fd, static_cast<std::size_t>(max_bytes) + 1);
      if (bytes.size() > max_bytes) problem = too_large;
    }
    ::close(fd);
    if (!problem.empty()) return R::failure(problem);
    return bytes;
  } catch (const std::exception& e) {
    return R::failure(path + " cannot be read: " + e.what());
  }
}

}  // namespace notifyd::sdk
