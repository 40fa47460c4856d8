#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <string>

namespace notifyd::core {

/// Up to `size` bytes read from `fd` until end of file or an error; shorter
/// when the file ended (or shrank) first. Grows as it reads, so a large
/// `size` costs only what the file holds.
inline std::string read_up_to(int fd, std::size_t size) {
  constexpr std::size_t chunk = 64 * 1024;
  std::string bytes;
  while (bytes.size() < size) {
    const std::size_t got = bytes.size();
    bytes.resize(got + std::min(chunk, size - got));
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) {
      bytes.resize(got);
      continue;
    }
    bytes.resize(got + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n <= 0) break;
  }
  return bytes;
}

}  // namespace notifyd::core
