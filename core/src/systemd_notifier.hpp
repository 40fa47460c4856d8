#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace notifyd::core {

/// Tells systemd about the daemon's state (`READY=1`, `STOPPING=1`,
/// `RELOADING=1`, `WATCHDOG=1`) through the datagram socket in
/// $NOTIFY_SOCKET. Does nothing when not started by systemd with Type=notify.
class SystemdNotifier {
 public:
  SystemdNotifier();
  bool enabled() const noexcept { return !socket_path_.empty(); }
  /// Sends one state line; failures are ignored (systemd may be gone).
  void notify(std::string_view state) const noexcept;
  /// Half the watchdog interval systemd asked for ($WATCHDOG_USEC), if any.
  std::optional<std::chrono::milliseconds> watchdog_interval() const noexcept { return watchdog_interval_; }

 private:
  std::string socket_path_;
  std::optional<std::chrono::milliseconds> watchdog_interval_;
};

}  // namespace notifyd::core
