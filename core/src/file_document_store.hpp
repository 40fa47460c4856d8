#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>

#include "file_permissions.hpp"
#include "notifyd/sdk/document_store.hpp"

namespace notifyd::core {

/// `sdk::DocumentStore` over files in the data directory. Writers of one
/// document are serialised; reads see a complete old or new version. New
/// files get `permissions`. `update` holds `flock(LOCK_EX)` on `<name>.lock`
/// for its read-merge-write, so other programs that take the same lock never
/// interleave with it.
class FileDocumentStore final : public sdk::DocumentStore {
 public:
  /// Largest document read back (16 MiB); anything bigger is an error, not an allocation.
  static constexpr std::size_t max_document_bytes = 16u << 20;
  /// How long `update` waits for another program to release the lock.
  static constexpr std::chrono::milliseconds lock_wait{5000};

  explicit FileDocumentStore(std::filesystem::path root, FilePermissions permissions = {})
      : root_(std::move(root)), permissions_(std::move(permissions)) {}

  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override;
  sdk::Status write(std::string_view name, std::string_view content) noexcept override;
  sdk::Status remove(std::string_view name) noexcept override;
  const std::filesystem::path& root() const noexcept override { return root_; }
  sdk::Result<sdk::DocumentStamp> stamp(std::string_view name) const noexcept override;
  sdk::Result<sdk::DocumentSnapshot> snapshot(std::string_view name) const noexcept override;
  sdk::Result<sdk::DocumentSnapshot> update(std::string_view name, const sdk::DocumentChange& change) noexcept override;

 private:
  sdk::Result<std::filesystem::path> resolve(std::string_view name) const;

  std::filesystem::path root_;
  FilePermissions permissions_;
  std::mutex write_mutex_;
};

}  // namespace notifyd::core
