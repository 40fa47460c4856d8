#pragma once
// Reading a file on a user's behalf, with that user's permissions: a file a
// script's owner or an API caller names is read only when they could read it
// themselves, and the answer never tells whether a file they cannot read exists.

#include <cstdint>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Reads the regular file `path` (symbolic links followed) as `user` would:
/// the calling thread's file-system uid, gid and supplementary groups are
/// switched to the user's (from passwd and the group database) for the open
/// only, so every directory on the way and the file itself are checked with
/// the user's permissions. Other threads are not affected. Needs root
/// (CAP_SETUID, CAP_SETGID); a daemon that is not root reads only for its
/// own user. Blocks on the file system: call it where blocking is allowed.
///
/// Errors, meant for the user: "<path> cannot be read by <user> (it does not
/// exist, or <user> may not read it)" for a missing file and a file the user
/// may not read alike; "<path> is not a regular file"; "<path> is larger than
/// <max_bytes> bytes". Never throws.
Result<std::string> read_file_as_user(std::string_view user, const std::string& path, std::uint64_t max_bytes) noexcept;

}  // namespace notifyd::sdk
