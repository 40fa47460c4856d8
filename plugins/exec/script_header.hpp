#pragma once
// A script's own settings, from a comment among its first lines:
//   # notifyd: schedule="0 9 * * 1-5" timeout=120

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notifyd::exec {

/// Lines of a script searched for a header.
inline constexpr std::size_t header_scan_lines = 20;
/// Bytes of a script read to find its header.
inline constexpr std::size_t header_scan_bytes = 16 * 1024;

/// A header key that was ignored, and why.
struct HeaderWarning {
  std::size_t line = 0;  ///< 1-based
  std::string message;
};

/// What a script's header sets; absent keys are left to the plugin's config.
struct ScriptHeader {
  std::optional<std::string> schedule;
  std::optional<std::chrono::milliseconds> timeout;
  std::vector<HeaderWarning> warnings;
};

/// Reads `# notifyd:` lines among the first `header_scan_lines` lines of
/// `text`. Values are bare words or double-quoted strings (`\"` and `\\`
/// escaped); `timeout` is seconds (`120`) or a duration (`2m`). A malformed
/// value or unknown key is skipped with a warning; the rest of the line still counts.
ScriptHeader parse_script_header(std::string_view text);

}  // namespace notifyd::exec
