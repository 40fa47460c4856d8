#pragma once
// The seed runner's per-script cooldown state, `~/.notifications/state/<name>.json`:
// `{"last_sent": <unix seconds>}` (notifyd/sdk/cooldown_state.hpp reads and writes the text).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace notifyctl {

/// Seconds until the cooldown after `last_sent` ends; 0 when a notification may go out now.
std::int64_t cooldown_left(std::optional<std::int64_t> last_sent, std::chrono::seconds cooldown, std::int64_t now);

/// Reads a state file; nothing when it is missing or unreadable.
std::optional<std::int64_t> read_last_sent(const std::filesystem::path& path);

/// Replaces a state file atomically (temp file, rename), creating its
/// directory; an error message on failure, empty on success.
std::string write_last_sent(const std::filesystem::path& path, std::int64_t unix_seconds);

}  // namespace notifyctl
