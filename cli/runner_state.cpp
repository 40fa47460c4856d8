#include "runner_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "notifyd/sdk/cooldown_state.hpp"

namespace notifyctl {
namespace {

constexpr std::size_t state_file_limit = 64 * 1024;

}  // namespace

std::int64_t cooldown_left(std::optional<std::int64_t> last_sent, std::chrono::seconds cooldown, std::int64_t now) {
  if (!last_sent) return 0;
  const std::int64_t ends = *last_sent + cooldown.count();
  return ends > now ? ends - now : 0;
}

std::optional<std::int64_t> read_last_sent(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text(state_file_limit, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(file.gcount()));
  return notifyd::sdk::parse_cooldown_state(text);
}

std::string write_last_sent(const std::filesystem::path& path, std::int64_t unix_seconds) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) return "cannot create " + path.parent_path().string() + ": " + error.message();
  const std::string temporary = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot write " + temporary + ": " + std::strerror(errno);
  const std::string text = notifyd::sdk::cooldown_state_text(unix_seconds);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int write_error = errno;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error_number = written ? errno : write_error;
    ::unlink(temporary.c_str());
    return "cannot write " + path.string() + ": " + std::strerror(error_number);
  }
  return {};
}

}  // namespace notifyctl
