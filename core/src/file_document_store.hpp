#pragma once

#include <filesystem>
#include <mutex>

#include "notifyd/sdk/document_store.hpp"

namespace notifyd::core {

/// `sdk::DocumentStore` over files in the data directory. Writers of one
/// document are serialised; reads see a complete old or new version.
class FileDocumentStore final : public sdk::DocumentStore {
 public:
  /// Largest document read back (16 MiB); anything bigger is an error, not an allocation.
  static constexpr std::size_t max_document_bytes = 16u << 20;

  explicit FileDocumentStore(std::filesystem::path root) : root_(std::move(root)) {}

  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override;
  sdk::Status write(std::string_view name, std::string_view content) noexcept override;
  sdk::Status remove(std::string_view name) noexcept override;
  const std::filesystem::path& root() const noexcept override { return root_; }

 private:
  sdk::Result<std::filesystem::path> resolve(std::string_view name) const;

  std::filesystem::path root_;
  std::mutex write_mutex_;
};

}  // namespace notifyd::core
