#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace notifyd::core {
namespace {

std::string errno_text() { return std::strerror(errno); }

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

sdk::Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  const FilePermissions& permissions, sdk::DocumentStamp* written_stamp) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return sdk::Status::failure("cannot create " + path.parent_path().string() + ": " + ec.message());

  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto temp = path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(random() % 1000000));
  Fd file{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (file.fd < 0) return sdk::Status::failure("cannot create " + temp.string() + ": " + errno_text());
  {
    if (auto status = apply_permissions(file.fd, permissions, path); !status) {
      ::unlink(temp.c_str());
      return status;
    }
    std::size_t written = 0;
    while (written < content.size()) {
      const ssize_t n = ::write(file.fd, content.data() + written, content.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const auto reason = errno_text();
        ::unlink(temp.c_str());
        return sdk::Status::failure("cannot write " + path.string() + ": " + reason);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(file.fd) != 0) {
      const auto reason = errno_text();
      ::unlink(temp.c_str());
      return sdk::Status::failure("cannot sync " + path.string() + ": " + reason);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const auto reason = errno_text();
    ::unlink(temp.c_str());
    return sdk::Status::failure("cannot replace " + path.string() + ": " + reason);
  }
  // After the rename: it changes the file's ctime.
  if (written_stamp) *written_stamp = stamp_of(file.fd);
  Fd directory{::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (directory.fd >= 0) ::fsync(directory.fd);
  return sdk::Status::success();
}

}  // namespace notifyd::core
