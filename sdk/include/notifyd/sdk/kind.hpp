#pragma once

#include <cstdint>
#include <string_view>

namespace notifyd::sdk {

/// What a plugin is. Written into the plugin descriptor; the host uses it to
/// decide which interface the created object implements.
enum class Kind : std::uint32_t {
  channel = 1,   ///< delivers notifications (Telegram, WebSocket, console)
  frontend = 2,  ///< serves registered routes over a transport (unix socket, HTTP)
  trigger = 3,   ///< decides when checks run (cron, exec discovery)
  check = 4,     ///< produces a CheckResult when run (native checks)
};

/// Lower-case name of a kind, as used in log prefixes (`channel:console`).
constexpr std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::channel: return "channel";
    case Kind::frontend: return "frontend";
    case Kind::trigger: return "trigger";
    case Kind::check: return "check";
  }
  return "unknown";
}

}  // namespace notifyd::sdk
