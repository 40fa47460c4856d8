#pragma once
// Checks and reads the file named by `POST /send_photo`: the path is resolved
// (symlinks too) and must lie inside an allowed directory, the file must be a
// regular file owned by the caller, small enough, and an image.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/image.hpp"
#include "validated.hpp"

namespace notifyd::socket_api {

/// Where photos may be read from, and how large they may be. Built once at
/// configure; read from any session strand.
struct PhotoPolicy {
  std::vector<std::filesystem::path> directories;  ///< allowed directories, already resolved with realpath
  std::uint64_t max_bytes = 10 << 20;              ///< larger files are refused with 413
};

/// A photo that passed every check.
struct PhotoFile {
  std::string bytes;
  sdk::ImageType type = sdk::ImageType::png;
  std::filesystem::path resolved;  ///< the path after resolving symlinks
};

/// True when `path` is `directory` or lies below it, compared component by
/// component (`/tmpx` is not inside `/tmp`). Both must be normalised absolute paths.
bool path_within(const std::filesystem::path& path, const std::filesystem::path& directory);

/// True when `path` lies within one of `policy.directories`.
bool path_allowed(const std::filesystem::path& path, const PhotoPolicy& policy);

/// Resolves, checks and reads `photo_path`. `owner` is the uid that must own
/// the file (the caller's), or nullopt to accept any owner (admins).
/// Errors: 400 (not absolute), 403 (outside the allowed directories, does not
/// exist, not a regular file, wrong owner, unreadable — the seed answered 403
/// for every path it would not read), 413 (too large), 415 (not an image).
/// Blocking file I/O, bounded by `policy.max_bytes`.
Validated<PhotoFile> load_photo(std::string_view photo_path, const PhotoPolicy& policy, std::optional<uid_t> owner);

}  // namespace notifyd::socket_api
