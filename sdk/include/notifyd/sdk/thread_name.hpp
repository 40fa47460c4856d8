#pragma once
// Names for the threads a plugin or the host starts, so `top -H`, `ps -L`
// and crash dumps say which thread is which.

#include <pthread.h>

#include <string>
#include <string_view>

namespace notifyd::sdk {

/// Longest thread name Linux keeps, in bytes.
inline constexpr std::size_t max_thread_name = 15;

/// Names the calling thread `name`, cut to `max_thread_name` bytes
/// (e.g. "tg-poller", "tg-sender-2"). Best effort: a failure changes nothing.
inline void name_this_thread(std::string_view name) noexcept {
  char buffer[max_thread_name + 1] = {};
  name.copy(buffer, max_thread_name);
  pthread_setname_np(pthread_self(), buffer);
}

}  // namespace notifyd::sdk
