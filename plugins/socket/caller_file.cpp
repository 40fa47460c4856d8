#include "caller_file.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace notifyd::socket_api {
namespace {

constexpr int open_flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

// Gives the calling thread, and only it, the caller's filesystem identity.
bool become(const PeerCredentials& caller) {
  if (::syscall(SYS_setgroups, caller.groups.size(), caller.groups.data()) != 0) return false;
  ::syscall(SYS_setfsgid, caller.gid);
  if (static_cast<gid_t>(::syscall(SYS_setfsgid, static_cast<gid_t>(-1))) != caller.gid) return false;
  ::syscall(SYS_setfsuid, caller.uid);
  return static_cast<uid_t>(::syscall(SYS_setfsuid, static_cast<uid_t>(-1))) == caller.uid;
}

CallerFile open_directly(const std::filesystem::path& path, bool checked_as_caller) {
  CallerFile file;
  file.fd = ::open(path.c_str(), open_flags);
  file.error = file.fd < 0 ? errno : 0;
  file.checked_as_caller = checked_as_caller;
  return file;
}

}  // namespace

CallerFile open_as_caller(const std::filesystem::path& path, const PeerCredentials& caller) {
  if (::geteuid() == caller.uid) return open_directly(path, true);
  CallerFile file;
  bool switched = false;
  std::thread([&] {
    switched = become(caller);
    if (!switched) return;
    file.fd = ::open(path.c_str(), open_flags);
    file.error = file.fd < 0 ? errno : 0;
  }).join();
  if (!switched) return open_directly(path, false);
  return file;
}

}  // namespace notifyd::socket_api
