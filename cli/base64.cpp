#include "base64.hpp"

#include <cstdint>

namespace notifyctl {

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  const auto byte_at = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = byte_at(i) << 16 | byte_at(i + 1) << 8 | byte_at(i + 2);
    encoded += alphabet[group >> 18 & 0x3F];
    encoded += alphabet[group >> 12 & 0x3F];
    encoded += alphabet[group >> 6 & 0x3F];
    encoded += alphabet[group & 0x3F];
  }
  const std::size_t remaining = bytes.size() - i;
  if (remaining == 1) {
    const std::uint32_t group = byte_at(i) << 16;
    encoded += alphabet[group >> 18 & 0x3F];
    encoded += alphabet[group >> 12 & 0x3F];
    encoded += "==";
  } else if (remaining == 2) {
    const std::uint32_t group = byte_at(i) << 16 | byte_at(i + 1) << 8;
    encoded += alphabet[group >> 18 & 0x3F];
    encoded += alphabet[group >> 12 & 0x3F];
    encoded += alphabet[group >> 6 & 0x3F];
    encoded += '=';
  }
  return encoded;
}

}  // namespace notifyctl
