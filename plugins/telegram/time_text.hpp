#pragma once

#include <cstdint>
#include <string>

namespace notifyd::telegram {

/// How long ago, the seed's way: `just now`, `5m ago`, `2h ago`, `3d ago`.
std::string age_text(std::int64_t elapsed_ms);

/// How long until, the same way: `in 5m`, `in 2h`, `now`.
std::string countdown_text(std::int64_t remaining_ms);

}  // namespace notifyd::telegram
