#include "photo_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <optional>
#include <utility>

#include "caller_file.hpp"

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

sdk::HttpResponse unreadable(std::string_view path) {
  return sdk::HttpResponse::error(400, "photo not found or not readable: " + std::string(path));
}

// Where the open descriptor `fd` really is (every symlink resolved).
std::optional<fs::path> resolved_path(int fd) {
  std::error_code ec;
  const auto target = fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
  if (ec) return std::nullopt;
  return target;
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
  if (policy.directories.empty()) return true;
  for (const auto& directory : policy.directories) {
    if (path_within(path, directory)) return true;
  }
  return false;
}

Validated<PhotoFile> load_photo(std::string_view photo_path, const PhotoPolicy& policy, const PeerCredentials& caller) {
  if (photo_path.empty() || photo_path.front() != '/') {
    return sdk::HttpResponse::error(400, "photo_path must be an absolute path");
  }
  if (photo_path.find('\0') != std::string_view::npos || photo_path.size() >= PATH_MAX) {
    return sdk::HttpResponse::error(400, "invalid field: photo_path");
  }
  const auto opened = open_as_caller(fs::path{std::string(photo_path)}, caller);
  FileDescriptor file(opened.fd);
  if (file.get() < 0) return unreadable(photo_path);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) return unreadable(photo_path);
  // A daemon that could not take the caller's identity only reads the caller's own files.
  if (!opened.checked_as_caller && info.st_uid != caller.uid) return unreadable(photo_path);

  PhotoFile photo;
  const auto resolved = resolved_path(file.get());
  if (!resolved) return unreadable(photo_path);
  photo.resolved = *resolved;
  if (!path_allowed(photo.resolved, policy)) {
    return sdk::HttpResponse::error(403, "photo_path is outside the allowed directories (photo_dirs)");
  }
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
      return unreadable(photo_path);
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
