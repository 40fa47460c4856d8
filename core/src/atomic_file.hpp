#pragma once

#include <filesystem>
#include <string_view>

#include "file_permissions.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::core {

/// Replaces `path` with `content`: write a temp file beside it, give it
/// `permissions`, fsync it, rename over the target, fsync the directory.
/// `written`, when given, receives the stamp of the new file.
sdk::Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  const FilePermissions& permissions = {}, sdk::DocumentStamp* written = nullptr);

}  // namespace notifyd::core
