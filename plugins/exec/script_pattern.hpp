#pragma once
// Where a user's scripts are: `~/user/notifications/*.py` split into a
// directory (with `~` standing for the user's home) and a file-name glob.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::exec {

/// A validated script pattern.
struct ScriptPattern {
  std::string directory;     ///< absolute, or starting with `~/`; no wildcards
  std::string file_glob;     ///< fnmatch pattern for the file name, e.g. `*.py`
  bool relative_to_home = false;  ///< the directory starts with `~/`
};

/// Splits and checks `text`: it starts with `~/` or `/`, only its last
/// component may hold wildcards (`*`, `?`, `[...]`), and it has no `..`.
sdk::Result<ScriptPattern> parse_script_pattern(std::string_view text);

/// The directory holding the scripts of a user whose home is `home`.
std::filesystem::path script_directory(const ScriptPattern& pattern, const std::filesystem::path& home);

/// True when the file name `name` matches the pattern; names starting with a
/// dot match only when the glob itself starts with one.
bool matches_file_name(const ScriptPattern& pattern, const std::string& name);

/// The check name of a script file: its stem (`revenue_drop.py` → `revenue_drop`),
/// or nullopt when the stem is empty, is not valid UTF-8, or holds a control
/// character, `/` or `%` (a name travels in URLs and environment variables).
std::optional<std::string> check_name_of(const std::string& file_name);

}  // namespace notifyd::exec
