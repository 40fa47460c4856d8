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

#include "descriptor_read.hpp"

namespace notifyd::sdk {
namespace {

constexpr int max_groups = 65536;

// The calling thread's file-system identity, switched for as long as this
// lives. Raw system calls: glibc's setgroups() would switch every thread.
class ThreadFileIdentity {
 public:
  explicit ThreadFileIdentity(const FileIdentity& as) {
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

// O_NONBLOCK: a FIFO must not hold the caller in open().
constexpr int open_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// `path` opened with `who`'s permissions (see read_file_as); -1 when it cannot be.
int open_as(const FileIdentity& who, const std::string& path) {
  if (::geteuid() == who.uid) return ::open(path.c_str(), open_flags);
  if (::geteuid() == 0) {
    ThreadFileIdentity identity(who);
    if (identity.active()) return ::open(path.c_str(), open_flags);
  }
  const int fd = ::open(path.c_str(), open_flags);
  struct stat info {};
  if (fd >= 0 && (::fstat(fd, &info) != 0 || info.st_uid != who.uid)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<FileIdentity> file_identity_of(std::string_view user) noexcept {
  try {
    const std::string name(user);
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
      return std::nullopt;
    }
    FileIdentity identity{entry.pw_uid, entry.pw_gid, std::vector<gid_t>(64)};
    int count = static_cast<int>(identity.groups.size());
    while (::getgrouplist(name.c_str(), entry.pw_gid, identity.groups.data(), &count) < 0) {
      if (count <= static_cast<int>(identity.groups.size()) || count > max_groups) return std::nullopt;
      identity.groups.resize(static_cast<std::size_t>(count));
    }
    identity.groups.resize(static_cast<std::size_t>(count));
    return identity;
  } catch (...) {
    return std::nullopt;
  }
}

FileAsRead read_file_as(const FileIdentity& who, const std::string& path, std::uint64_t max_bytes) noexcept {
  using Problem = FileAsRead::Problem;
  FileAsRead read;
  try {
    const int fd = open_as(who, path);
    if (fd < 0) {
      read.problem = Problem::unreadable;
      return read;
    }
    std::error_code ec;
    read.resolved = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      read.problem = Problem::not_regular;
    } else if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
      read.problem = Problem::too_large;
    } else {
      // To the end, not st_size: a file may grow, and /proc files have none.
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      read.bytes = core::read_up_to(fd, static_cast<std::size_t>(max_bytes) + 1);
      if (read.bytes.size() > max_bytes) {
        read.problem = Problem::too_large;
        read.bytes.clear();
      }
    }
    ::close(fd);
  } catch (...) {
    read.problem = Problem::unreadable;
    read.bytes.clear();
  }
  return read;
}

Result<std::string> read_file_as_user(std::string_view user, const std::string& path, std::uint64_t max_bytes) noexcept {
  using R = Result<std::string>;
  using Problem = FileAsRead::Problem;
  try {
    const auto who = file_identity_of(user);
    auto read = who ? read_file_as(*who, path, max_bytes) : FileAsRead{Problem::unreadable, {}, {}};
    switch (read.problem) {
      case Problem::none:
        return std::move(read.bytes);
      case Problem::unreadable:
        return R::failure(path + " cannot be read by " + std::string(user) + " (it does not exist, or " +
                          std::string(user) + " may not read it)");
      case Problem::not_regular:
        return R::failure(path + " is not a regular file");
      case Problem::too_large:
        return R::failure(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    return R::failure(path + " cannot be read");
  } catch (const std::exception& e) {
    return R::failure(path + " cannot be read: " + e.what());
  }
}

}  // namespace notifyd::sdk
