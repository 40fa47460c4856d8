#pragma once

#include <string_view>

namespace notifyd::core {

/// The notifyd release, from the CMake project version.
inline constexpr std::string_view version = NOTIFYD_VERSION;

}  // namespace notifyd::core
