#pragma once
// Reading a file on a user's behalf, with that user's permissions: a file a
// script's owner or an API caller names is read only when they could read it
// themselves, and the answer never tells whether a file they cannot read exists.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Whose permissions a file is opened with.
struct FileIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups
};

/// `user`'s identity from passwd and the group database; nullopt for a user
/// the system does not know. Never throws.
std::optional<FileIdentity> file_identity_of(std::string_view user) noexcept;

/// What `read_file_as` found.
struct FileAsRead {
  /// Why nothing was read. `unreadable` covers a missing file and one `who`
  /// may not read alike, so that no answer built on it is an existence oracle.
  enum class Problem { none, unreadable, not_regular, too_large };
  Problem problem = Problem::none;
  std::string bytes;               ///< the whole file, when `problem` is none
  std::filesystem::path resolved;  ///< where the opened file really is (every symlink resolved); empty if not opened
};

/// Opens the file `path` read-only, symbolic links followed, as `who` would,
/// and reads all of it, at most `max_bytes`. As root, the calling thread's
/// file-system uid, gid and supplementary groups are switched to `who`'s for
/// the open only (raw system calls: no other thread is affected), so every
/// directory on the way and the file itself are checked with `who`'s
/// permissions. A daemon running as `who` opens directly. A daemon that can
/// switch to nobody else opens as itself and accepts only a file `who` owns.
/// Blocks on the file system: call it where blocking is allowed. Never throws.
FileAsRead read_file_as(const FileIdentity& who, const std::string& path, std::uint64_t max_bytes) noexcept;

/// `read_file_as` for the Unix user `user`, with errors meant for that user:
/// "<path> cannot be read by <user> (it does not exist, or <user> may not
/// read it)" for a missing file and a file the user may not read alike;
/// "<path> is not a regular file"; "<path> is larger than <max_bytes> bytes".
Result<std::string> read_file_as_user(std::string_view user, const std::string& path, std::uint64_t max_bytes) noexcept;

}  // namespace notifyd::sdk
