#pragma once
// Durations as the dashboard shows them.

#include <cstdint>
#include <string>

namespace notifyd::webui {

/// A duration: `350 ms`, `1.2 s`, `3 min 5 s`.
std::string readable_duration(std::int64_t milliseconds);

}  // namespace notifyd::webui
