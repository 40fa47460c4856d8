#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// The mode and group of every file the daemon creates in the data directory
/// (`[daemon] file_mode`, `file_group`), set explicitly so that the process
/// umask plays no part.
struct FilePermissions {
  mode_t mode = 0640;
  std::optional<gid_t> group;  ///< nullopt = the group the file gets on creation
  std::string group_name;      ///< for messages
  bool operator==(const FilePermissions&) const = default;
};

/// Gives the open file `fd` these permissions (chmod only when the mode
/// differs, chown of the group only when one is set); `what` names the file in errors.
sdk::Status apply_permissions(int fd, const FilePermissions& permissions, const std::filesystem::path& what);

/// The same for the file at `path`; succeeds when it does not exist. Symlinks are not followed.
sdk::Status apply_permissions(const std::filesystem::path& path, const FilePermissions& permissions);

/// Creates `path` empty with these permissions when it does not exist, and
/// gives an existing one these permissions.
sdk::Status prepare_file(const std::filesystem::path& path, const FilePermissions& permissions);

/// The stamp of a file from its `stat` (device, inode, size, times).
sdk::DocumentStamp stamp_of(const struct stat& info) noexcept;
/// The stamp of the file behind `fd`; not `exists` when fstat fails.
sdk::DocumentStamp stamp_of(int fd) noexcept;

}  // namespace notifyd::core
