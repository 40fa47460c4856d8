#pragma once
// Whether a script is safe to run as its user: nobody but that user (or
// root) can have put its content there.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "notifyd/sdk/status.hpp"

namespace notifyd::exec {

/// What `stat` says about a file or directory.
struct FileFacts {
  mode_t mode = 0;  ///< type and permission bits
  uid_t owner = 0;
};

/// Why `file` (a script of the user with `uid`) must not run, or nullopt:
/// it is not a regular file, belongs to someone else, or is writable by its
/// group or by others.
std::optional<std::string> script_file_problem(const std::filesystem::path& path, const FileFacts& file, uid_t uid,
                                               const std::string& user);

/// Why the directory holding a script makes it unsafe, or nullopt: it
/// belongs to neither the user nor root, or others may write in it without
/// the sticky bit.
std::optional<std::string> script_directory_problem(const std::filesystem::path& directory, const FileFacts& facts,
                                                    uid_t uid, const std::string& user);

/// Inspects the script at `path` (following a symbolic link to its target,
/// whose file and directory are checked as well as the link's directory).
/// Returns nothing on success; a failure's message says why the run is refused.
sdk::Status inspect_script(const std::filesystem::path& path, uid_t uid, const std::string& user);

/// Permission bits as four octal digits (`0664`).
std::string octal_mode(mode_t mode);

}  // namespace notifyd::exec
