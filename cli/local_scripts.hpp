#pragma once
// The caller's own scripts and interpreter, found the way the seed's notify-runner did.

#include <filesystem>
#include <string>
#include <vector>

namespace notifyctl {

/// The interpreter used when the user has no virtual environment.
inline constexpr const char* default_interpreter = "/usr/bin/python3";

/// `<home>/user/notifications/*.py`, sorted; hidden files are skipped.
std::vector<std::filesystem::path> find_local_scripts(const std::filesystem::path& home);

/// `<home>/.venv/bin/python` when it exists and is executable, else /usr/bin/python3.
std::string local_interpreter(const std::filesystem::path& home);

}  // namespace notifyctl
