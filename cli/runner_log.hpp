#pragma once
// `~/.notifications/logs/runner.log`, the seed runner's log, one line per event.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace notifyctl {

/// "2026-12-07 00:04:16,128 [notify-runner] INFO: data_freshness: notification sent",
/// the old runner's `%(asctime)s [notify-runner] %(levelname)s: %(message)s`
/// with Python's default asctime (`when` in local time, milliseconds after a
/// comma); `level` is INFO, WARNING or ERROR; newlines in `message` are escaped.
std::string runner_log_line(std::chrono::system_clock::time_point when, std::string_view level,
                            std::string_view message);

/// Appends `lines` (each ending in a newline) to `path`, creating its directory;
/// an error message on failure, empty on success.
std::string append_runner_log(const std::filesystem::path& path, const std::string& lines);

}  // namespace notifyctl
