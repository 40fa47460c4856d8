#pragma once

#include <string>

namespace notifyd::testing {

/// The first 16 bytes of a PNG file: its signature and the start of the IHDR chunk.
inline const std::string png_bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

}  // namespace notifyd::testing
