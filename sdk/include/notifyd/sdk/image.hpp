#pragma once

#include <optional>
#include <string_view>

namespace notifyd::sdk {

/// Image formats a notification may carry. Telegram accepts all of them as photos.
enum class ImageType { png, jpeg, gif, webp };

/// Recognises an image by its leading bytes (never by its file name).
/// Returns nullopt for anything that is not PNG, JPEG, GIF or WebP.
std::optional<ImageType> sniff_image_type(std::string_view bytes) noexcept;

/// MIME type of an image type (`image/png`).
std::string_view mime_type(ImageType type) noexcept;

/// File extension without the dot (`png`, `jpg`).
std::string_view file_extension(ImageType type) noexcept;

/// Parses a file extension or MIME subtype back (`png`, `jpg`, `jpeg`, ...).
std::optional<ImageType> image_type_from_name(std::string_view name) noexcept;

}  // namespace notifyd::sdk
