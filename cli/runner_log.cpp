#include "runner_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace notifyctl {

std::string runner_log_line(std::chrono::system_clock::time_point when, std::string_view level,
                            std::string_view message) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000 - (since_epoch % 1000 < 0 ? 1 : 0));
  const int milliseconds = static_cast<int>(since_epoch - static_cast<std::int64_t>(seconds) * 1000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char stamp[48];
  const std::size_t length = std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ",%03d", milliseconds);
  std::string line(stamp, length);
  line += fraction;
  line += " [notify-runner] ";
  line += level;
  line += ": ";
  for (const char c : message) {
    if (c == '\n') {
      line += "\\n";
    } else if (c != '\r') {
      line += c;
    }
  }
  return line + '\n';
}

std::string append_runner_log(const std::filesystem::path& path, const std::string& lines) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) return "cannot create " + path.parent_path().string() + ": " + error.message();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot open " + path.string() + ": " + std::strerror(errno);
  const bool written = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
  const int write_error = errno;
  ::close(fd);
  if (!written) return "cannot write " + path.string() + ": " + std::strerror(write_error);
  return {};
}

}  // namespace notifyctl
