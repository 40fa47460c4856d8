#include "photo_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <memory>
#include <utility>

namespace notifyd::socket_api {
namespace {

namespace fs = std::filesystem;

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) noexcept : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~FileDescriptor() { reset(); }
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string too_large(std::uint64_t limit) { return "photo is larger than " + std::to_string(limit) + " bytes"; }

const sdk::HttpResponse& outside_response() {
  static const sdk::HttpResponse response = sdk::HttpResponse::error(403, "photo_path is outside the allowed directories");
  return response;
}

// Opens the already resolved `path` for reading without following any
// symlink on the way: each directory is opened with O_NOFOLLOW relative to
// its parent, so a component swapped for a symlink after realpath() fails.
int open_without_symlinks(const fs::path& path) {
  FileDescriptor dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return -1;
  const fs::path relative = path.relative_path();
  auto it = relative.begin();
  if (it == relative.end()) {
    errno = EISDIR;
    return -1;
  }
  for (auto next = std::next(it); next != relative.end(); it = next, ++next) {
    FileDescriptor child(::openat(dir.get(), it->c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (child.get() < 0) return -1;
    dir = std::move(child);
  }
  return ::openat(dir.get(), it->c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

}  // namespace

bool path_within(const fs::path& path, const fs::path& directory) {
  auto p = path.begin();
  for (auto d = directory.begin(); d != directory.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator in `directory`
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

bool path_allowed(const fs::path& path, const PhotoPolicy& policy) {
  for (const auto& directory : policy.directories) {
    if (path_within(path, directory)) return true;
  }
  return false;
}

Validated<PhotoFile> load_photo(std::string_view photo_path, const PhotoPolicy& policy, std::optional<uid_t> owner) {
  if (photo_path.empty() || photo_path.front() != '/') {
    return sdk::HttpResponse::error(400, "photo_path must be an absolute path");
  }
  if (photo_path.find('\0') != std::string_view::npos || photo_path.size() >= PATH_MAX) {
    return sdk::HttpResponse::error(400, "invalid field: photo_path");
  }
  const fs::path requested{std::string(photo_path)};

  std::unique_ptr<char, decltype(&std::free)> real(::realpath(requested.c_str(), nullptr), &std::free);
  if (!real) {
    const int error = errno;
    // Say "does not exist" only for paths that would have been allowed, so the
    // API does not tell callers which files exist elsewhere.
    if (!path_allowed(requested.lexically_normal(), policy)) return outside_response();
    if (error == ENOENT || error == ENOTDIR) {
      return sdk::HttpResponse::error(403, "photo_path does not exist: " + std::string(photo_path));
    }
    return sdk::HttpResponse::error(403, "photo_path cannot be resolved: " + std::string(std::strerror(error)));
  }
  PhotoFile photo;
  photo.resolved = real.get();
  if (!path_allowed(photo.resolved, policy)) return outside_response();

  FileDescriptor file(open_without_symlinks(photo.resolved));
  if (file.get() < 0) {
    const int error = errno;
    if (error == ENOENT) return sdk::HttpResponse::error(403, "photo_path does not exist: " + std::string(photo_path));
    return sdk::HttpResponse::error(403, "photo cannot be opened: " + std::string(std::strerror(error)));
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    return sdk::HttpResponse::error(403, "photo cannot be read: " + std::string(std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) return sdk::HttpResponse::error(403, "photo_path is not a regular file");
  if (owner && info.st_uid != *owner) return sdk::HttpResponse::error(403, "photo is not owned by the caller");
  if (static_cast<std::uint64_t>(info.st_size) > policy.max_bytes) {
    return sdk::HttpResponse::error(413, too_large(policy.max_bytes));
  }

  // Read at most one byte more than allowed: the file may have grown since fstat.
  const std::uint64_t cap = policy.max_bytes + 1;
  photo.bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(cap, static_cast<std::uint64_t>(info.st_size) + 1)));
  std::size_t used = 0;
  for (;;) {
    if (used == photo.bytes.size()) {
      if (used >= cap) break;
      photo.bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(cap, used * 2 + 4096)));
    }
    const ssize_t n = ::read(file.get(), photo.bytes.data() + used, photo.bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sdk::HttpResponse::error(403, "photo cannot be read: " + std::string(std::strerror(errno)));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  photo.bytes.resize(used);
  if (used > policy.max_bytes) return sdk::HttpResponse::error(413, too_large(policy.max_bytes));

  const auto type = sdk::sniff_image_type(photo.bytes);
  if (!type) return sdk::HttpResponse::error(415, "photo is not a PNG, JPEG, GIF or WebP image");
  photo.type = *type;
  return photo;
}

}  // namespace notifyd::socket_api
