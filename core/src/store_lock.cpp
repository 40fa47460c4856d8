#include "store_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace notifyd::core {
namespace {

// The process holding a flock on the file behind `fd`, from /proc/locks
// ("1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"); empty when not found.
std::string flock_holder(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return "";
  char device[32];
  std::snprintf(device, sizeof(device), "%02x:%02x:", major(info.st_dev), minor(info.st_dev));
  const std::string file = device + std::to_string(info.st_ino);
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, advisory, mode, pid, where;
    if (fields >> number >> kind >> advisory >> mode >> pid >> where && kind == "FLOCK" && where == file) return pid;
  }
  return "";
}

}  // namespace

sdk::Result<std::unique_ptr<StoreLock>> StoreLock::take(const std::filesystem::path& data_dir) {
  using R = sdk::Result<std::unique_ptr<StoreLock>>;
  const int fd = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return R::failure("cannot open " + data_dir.string() + ": " + std::strerror(errno));
  std::unique_ptr<StoreLock> lock(new StoreLock(fd));
  int locked;
  do {
    locked = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked == 0) return lock;
  if (errno != EWOULDBLOCK) return R::failure("cannot lock " + data_dir.string() + ": " + std::strerror(errno));
  const std::string pid = flock_holder(fd);
  return R::failure("the store in " + data_dir.string() + " is in use by " +
                    (pid.empty() ? std::string("another process") : "process " + pid));
}

StoreLock::~StoreLock() { ::close(fd_); }

}  // namespace notifyd::core
