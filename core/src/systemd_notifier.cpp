#include "systemd_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace notifyd::core {

SystemdNotifier::SystemdNotifier() {
  if (const char* path = std::getenv("NOTIFY_SOCKET"); path && *path && std::strlen(path) < sizeof(sockaddr_un::sun_path)) {
    socket_path_ = path;
  }
  if (const char* usec = std::getenv("WATCHDOG_USEC"); usec && *usec) {
    long long value = 0;
    auto [end, ec] = std::from_chars(usec, usec + std::strlen(usec), value);
    const char* pid = std::getenv("WATCHDOG_PID");
    const bool for_us = !pid || std::atoll(pid) == static_cast<long long>(::getpid());
    if (ec == std::errc{} && value > 0 && for_us) watchdog_interval_ = std::chrono::milliseconds(value / 2000);
  }
}

void SystemdNotifier::notify(std::string_view state) const noexcept {
  if (socket_path_.empty()) return;
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address), length);
  ::close(fd);
}

}  // namespace notifyd::core
