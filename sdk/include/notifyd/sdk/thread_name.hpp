#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace notifyd::sdk {

/// Names the calling thread (`pthread_setname_np`) so that `top -H`, `ps -L`,
/// gdb and crash dumps say which part of notifyd it is: "store-writer",
/// "tg-poller", "exec-spawn-1". Names longer than the kernel's 15 bytes are
/// cut. Call it first thing on every thread notifyd or a plugin starts.
inline void name_this_thread(std::string_view name) noexcept {
  char buffer[16] = {};
  name.copy(buffer, sizeof buffer - 1);
  ::pthread_setname_np(::pthread_self(), buffer);
}

}  // namespace notifyd::sdk
