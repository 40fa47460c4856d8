#pragma once
// Checks and reads the file named by `POST /send_photo`: the caller must be
// able to read it itself (it is opened with the caller's credentials), it
// must be a regular file, inside `photo_dirs` when that is set, small enough,
// and an image.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/http/peer.hpp"
#include "notifyd/sdk/validated.hpp"

namespace notifyd::socket_api {

/// Where photos may be read from, and how large they may be. Built once at
/// configure; read from any connection's strand.
struct PhotoPolicy {
  std::vector<std::filesystem::path> directories;  ///< allowed directories, resolved with realpath; empty = anywhere
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

/// True when `policy.directories` is empty or `path` lies within one of them.
bool path_allowed(const std::filesystem::path& path, const PhotoPolicy& policy);

/// Reads `photo_path` with `caller`'s permissions (`sdk::read_file_as`;
/// admins too read with their own rights) and checks it. Errors: 400 when the path is
/// not absolute, and one answer, 400 `photo not found or not readable`, for
/// a file that is missing, that the caller may not read, or that is not a
/// regular file, so the answer never tells whether a file the caller cannot
/// read exists; 403 when the file (symlinks resolved) lies outside
/// `policy.directories`; 413 too large; 415 not an image.
/// Blocking file I/O, bounded by `policy.max_bytes`.
sdk::Validated<PhotoFile> load_photo(std::string_view photo_path, const PhotoPolicy& policy, const sdk::http::PeerCredentials& caller);

}  // namespace notifyd::socket_api
