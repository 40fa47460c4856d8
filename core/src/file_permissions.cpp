#include "file_permissions.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace notifyd::core {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

std::int64_t nanoseconds(const timespec& time) noexcept {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

}  // namespace

sdk::Status apply_permissions(int fd, const FilePermissions& permissions, const std::filesystem::path& what) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return sdk::Status::failure("cannot stat " + what.string() + ": " + errno_text(errno));
  if (permissions.group && info.st_gid != *permissions.group && ::fchown(fd, static_cast<uid_t>(-1), *permissions.group) != 0) {
    return sdk::Status::failure("cannot give " + what.string() + " the group " + permissions.group_name + " ([daemon] file_group): " +
                                errno_text(errno));
  }
  // chown may clear the set-group-ID bit; the mode is set after it.
  if ((info.st_mode & 07777) != permissions.mode && ::fchmod(fd, permissions.mode) != 0) {
    return sdk::Status::failure("cannot set the mode of " + what.string() + ": " + errno_text(errno));
  }
  return sdk::Status::success();
}

sdk::Status apply_permissions(const std::filesystem::path& path, const FilePermissions& permissions) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return sdk::Status::success();
    return sdk::Status::failure("cannot open " + path.string() + ": " + errno_text(errno));
  }
  auto status = apply_permissions(fd, permissions, path);
  ::close(fd);
  return status;
}

sdk::Status prepare_file(const std::filesystem::path& path, const FilePermissions& permissions) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return sdk::Status::failure("cannot create " + path.string() + ": " + errno_text(errno));
  auto status = apply_permissions(fd, permissions, path);
  ::close(fd);
  return status;
}

sdk::DocumentStamp stamp_of(int fd) noexcept {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return {};
  return stamp_of(info);
}

sdk::DocumentStamp stamp_of(const struct stat& info) noexcept {
  return sdk::DocumentStamp{true, (static_cast<std::uint64_t>(info.st_dev) << 32) ^ static_cast<std::uint64_t>(info.st_ino),
                            static_cast<std::uint64_t>(info.st_size), nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)};
}

}  // namespace notifyd::core
