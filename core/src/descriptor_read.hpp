#pragma once

#include <unistd.h>

#include <cstddef>
#include <string>

namespace notifyd::core {

/// Up to `size` bytes read from `fd` until end of file or an error; shorter
/// when the file ended (or shrank) first.
inline std::string read_up_to(int fd, std::size_t size) {
  std::string bytes(size, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

}  // namespace notifyd::core
