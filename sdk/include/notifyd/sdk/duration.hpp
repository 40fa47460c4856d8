#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Parses a duration such as `250ms`, `30s`, `5m`, `1h`, `1d` or a sum of
/// them (`1h30m`). Used for config values; thread-safe, never throws.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Formats a duration the way `parse_duration` reads it (`90s` → `1m30s`).
std::string format_duration(std::chrono::milliseconds value);

}  // namespace notifyd::sdk
