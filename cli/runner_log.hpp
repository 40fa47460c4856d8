#pragma once
// `~/.notifications/logs/runner.log`, the seed runner's log, one line per event.

#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

namespace notifyctl {

/// "2025-11-25 14:09:41 INFO revenue_drop: sent (notification 42)"; `when`
/// in local time, like the seed's Python logging; newlines in `message` are escaped.
std::string runner_log_line(std::time_t when, std::string_view level, std::string_view message);

/// Appends `lines` (each ending in a newline) to `path`, creating its directory;
/// an error message on failure, empty on success.
std::string append_runner_log(const std::filesystem::path& path, const std::string& lines);

}  // namespace notifyctl
