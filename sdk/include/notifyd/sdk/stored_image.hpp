#pragma once
// Reading a notification's stored image, for the front-ends that serve
// `GET /api/notifications/images/<id>` (the dashboard, the desktop channel).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// The bytes and MIME type of an image.
struct ImageBytes {
  std::string bytes;
  std::string content_type;
};

/// Reads `notification`'s image: a regular file (no symlink), at most
/// `max_bytes`, whose content is PNG, JPEG, GIF or WebP. The type comes from
/// the bytes, not the stored name. A blocking read, on the caller's thread.
Result<ImageBytes> read_notification_image(const Notification& notification, std::uint64_t max_bytes);

/// Parses a notification id from a URL segment: 1 to 20 digits, not zero.
std::optional<std::uint64_t> parse_notification_id(std::string_view text) noexcept;

}  // namespace notifyd::sdk
