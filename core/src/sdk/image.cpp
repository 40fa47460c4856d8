#include "notifyd/sdk/image.hpp"

namespace notifyd::sdk {

std::optional<ImageType> sniff_image_type(std::string_view b) noexcept {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return ImageType::png;
  if (b.size() >= 3 && b.substr(0, 3) == std::string_view("\xff\xd8\xff", 3)) return ImageType::jpeg;
  if (b.size() >= 6 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a")) return ImageType::gif;
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return ImageType::webp;
  return std::nullopt;
}

std::string_view mime_type(ImageType type) noexcept {
  switch (type) {
    case ImageType::png: return "image/png";
    case ImageType::jpeg: return "image/jpeg";
    case ImageType::gif: return "image/gif";
    case ImageType::webp: return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view file_extension(ImageType type) noexcept {
  switch (type) {
    case ImageType::png: return "png";
    case ImageType::jpeg: return "jpg";
    case ImageType::gif: return "gif";
    case ImageType::webp: return "webp";
  }
  return "bin";
}

std::optional<ImageType> image_type_from_name(std::string_view name) noexcept {
  if (name == "png") return ImageType::png;
  if (name == "jpg" || name == "jpeg") return ImageType::jpeg;
  if (name == "gif") return ImageType::gif;
  if (name == "webp") return ImageType::webp;
  return std::nullopt;
}

}  // namespace notifyd::sdk
