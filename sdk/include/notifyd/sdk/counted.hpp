#pragma once
// "1 mistake", "2 mistakes": a count with its noun in the right number.

#include <cstdint>
#include <string>
#include <string_view>

namespace notifyd::sdk {

/// `count` followed by `one` when it is 1, else by `many`: counted(1, "delivery", "deliveries").
inline std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

}  // namespace notifyd::sdk
