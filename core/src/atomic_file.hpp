#pragma once

#include <filesystem>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// Replaces `path` with `content`: write a temp file beside it, fsync it,
/// rename over the target, fsync the directory. `mode` applies to the new file.
sdk::Status write_file_atomically(const std::filesystem::path& path, std::string_view content, unsigned mode = 0640);

}  // namespace notifyd::core
