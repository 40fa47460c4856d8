#pragma once

#include <cstdint>
#include <string>

namespace notifyd::sdk {

/// One named count a channel adds to the health endpoints, e.g. the desktop
/// channel's open connections.
struct HealthFigure {
  std::string name;  ///< lower_snake_case by convention, e.g. "connections"
  std::uint64_t value = 0;
};

}  // namespace notifyd::sdk
