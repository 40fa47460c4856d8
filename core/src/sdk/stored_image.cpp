#include "notifyd/sdk/stored_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <optional>

#include "descriptor_read.hpp"
#include "notifyd/sdk/image.hpp"

namespace notifyd::sdk {

Result<ImageBytes> read_notification_image(const Notification& notification, std::uint64_t max_bytes) {
  using Failure = Result<ImageBytes>;
  if (notification.image_path.empty()) return Failure::failure("no image");
  const int fd = ::open(notification.image_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Failure::failure("the image file cannot be opened");
  struct stat info {};
  std::string bytes;
  bool ok = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) <= max_bytes;
  if (ok) bytes = core::read_up_to(fd, static_cast<std::size_t>(info.st_size));
  ::close(fd);
  if (!ok) return Failure::failure("the image file is not a regular file within the size limit");
  const auto type = sniff_image_type(bytes);
  if (!type) return Failure::failure("the stored file is not an image");
  return ImageBytes{std::move(bytes), std::string(mime_type(*type))};
}

std::optional<std::uint64_t> parse_notification_id(std::string_view text) noexcept {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0) return std::nullopt;
  return value;
}

}  // namespace notifyd::sdk
