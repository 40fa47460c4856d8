#include "notifyd/sdk/unix_socket_file.hpp"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace notifyd::sdk {
namespace {

namespace fs = std::filesystem;

std::string describe_errno(int error) { return std::strerror(error); }

// Fills `address` for `path`; false when it does not fit.
bool make_address(const fs::path& path, sockaddr_un& address) {
  address = {};
  address.sun_family = AF_UNIX;
  const std::string& text = path.native();
  if (text.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return true;
}

// Undoes the steps of open_listening_socket that succeeded, unless released.
class StagingCleanup {
 public:
  ~StagingCleanup() {
    if (fd >= 0) ::close(fd);
    if (!socket_file.empty()) ::unlink(socket_file.c_str());
    if (!directory.empty()) ::rmdir(directory.c_str());
  }
  int fd = -1;
  fs::path socket_file;
  fs::path directory;
};

}  // namespace

Result<bool> clear_socket_path(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return false;
    return Result<bool>::failure("cannot inspect " + path.string() + ": " + describe_errno(errno));
  }
  if (!S_ISSOCK(info.st_mode)) {
    return Result<bool>::failure(path.string() + " exists and is not a socket; refusing to replace it");
  }

  sockaddr_un address;
  if (!make_address(path, address)) return Result<bool>::failure(path.string() + " is too long for a unix socket");
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (probe < 0) return Result<bool>::failure("cannot create a socket: " + describe_errno(errno));
  const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int error = rc == 0 ? 0 : errno;
  ::close(probe);

  if (rc == 0 || error == EAGAIN || error == EINPROGRESS) {
    return Result<bool>::failure("another notifyd is listening on " + path.string());
  }
  if (error == ENOENT) return false;  // removed meanwhile
  if (error != ECONNREFUSED) {
    return Result<bool>::failure("cannot tell whether " + path.string() + " is in use: " + describe_errno(error));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Result<bool>::failure("cannot remove stale socket " + path.string() + ": " + describe_errno(errno));
  }
  return true;
}

Result<ListeningSocket> open_listening_socket(const fs::path& path, mode_t mode, std::optional<gid_t> group) {
  using Failure = Result<ListeningSocket>;
  ListeningSocket result;
  const fs::path parent = path.parent_path();

  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Failure::failure("cannot create " + parent.string() + ": " + ec.message());

  auto cleared = clear_socket_path(path);
  if (!cleared) return Failure::failure(cleared.error());
  result.removed_stale = cleared.value();

  StagingCleanup staging;
  std::string pattern = (parent / ".nd-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Failure::failure("cannot create a staging directory in " + parent.string() + ": " + describe_errno(errno));
  }
  staging.directory = buffer.data();
  const fs::path staged = staging.directory / "s";

  sockaddr_un address;
  if (!make_address(staged, address)) return Failure::failure(path.string() + " is too long for a unix socket");
  staging.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (staging.fd < 0) return Failure::failure("cannot create a socket: " + describe_errno(errno));
  if (::bind(staging.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return Failure::failure("cannot bind a socket in " + parent.string() + ": " + describe_errno(errno));
  }
  staging.socket_file = staged;
  if (group && ::chown(staged.c_str(), static_cast<uid_t>(-1), *group) != 0) {
    return Failure::failure("cannot give " + path.string() + " to group " + std::to_string(*group) + ": " +
                            describe_errno(errno));
  }
  if (::chmod(staged.c_str(), mode) != 0) {
    return Failure::failure("cannot set the mode of " + path.string() + ": " + describe_errno(errno));
  }
  if (::listen(staging.fd, SOMAXCONN) != 0) {
    return Failure::failure("cannot listen on " + path.string() + ": " + describe_errno(errno));
  }
  struct stat info {};
  if (::lstat(staged.c_str(), &info) != 0) {
    return Failure::failure("cannot inspect " + staged.string() + ": " + describe_errno(errno));
  }
  // link() never replaces: if something appeared at `path` meanwhile, it stays.
  if (::link(staged.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) return Failure::failure("another process created " + path.string() + " while notifyd was binding it");
    return Failure::failure("cannot create " + path.string() + ": " + describe_errno(errno));
  }

  result.fd = staging.fd;
  staging.fd = -1;  // the staged name and directory are still removed by the cleanup
  result.file = {path, info.st_dev, info.st_ino};
  return result;
}

void remove_socket_file(const SocketFileIdentity& file) noexcept {
  if (file.path.empty()) return;
  struct stat info {};
  if (::lstat(file.path.c_str(), &info) != 0) return;
  // A file put there since may reuse the inode number of the one we removed.
  if (S_ISSOCK(info.st_mode) && info.st_dev == file.device && info.st_ino == file.inode) ::unlink(file.path.c_str());
}

std::optional<mode_t> parse_octal_mode(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 8);
  if (ec != std::errc{} || ptr != end || value > 0777) return std::nullopt;
  return static_cast<mode_t>(value);
}

std::string format_octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Result<gid_t> lookup_group(const std::string& name) {
  long size = ::sysconf(_SC_GETGR_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  for (;;) {
    group entry{};
    group* found = nullptr;
    const int error = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 22)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (found) return found->gr_gid;
    if (error != 0 && error != ENOENT) {
      return Result<gid_t>::failure("cannot look up group " + name + ": " + std::strerror(error));
    }
    break;
  }
  gid_t gid = 0;
  const auto* end = name.data() + name.size();
  if (const auto [ptr, ec] = std::from_chars(name.data(), end, gid); !name.empty() && ec == std::errc{} && ptr == end) {
    return gid;
  }
  return Result<gid_t>::failure("group " + name + " does not exist");
}

}  // namespace notifyd::sdk
