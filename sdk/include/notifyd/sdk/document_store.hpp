#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Small files in the data directory (`telegram_users.json`, cooldown state).
/// Names are relative paths inside the data directory; `..` and absolute
/// names are refused. Writes are atomic (temp file, fsync, rename), so a
/// reader or a crash sees the old or the new content, never a mix.
/// Blocking file I/O: call from a plugin's executor for small files only.
class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  /// The content of `name`; nullopt when it does not exist; an error when it cannot be read.
  virtual Result<std::optional<std::string>> read(std::string_view name) const noexcept = 0;
  /// Replaces `name` with `content` atomically, creating parent directories.
  virtual Status write(std::string_view name, std::string_view content) noexcept = 0;
  /// Removes `name`; succeeds when it did not exist.
  virtual Status remove(std::string_view name) noexcept = 0;
  /// The data directory itself (absolute).
  virtual const std::filesystem::path& root() const noexcept = 0;
};

}  // namespace notifyd::sdk
