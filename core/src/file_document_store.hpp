#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>

#include "document_watchers.hpp"
#include "file_permissions.hpp"
#include "local_leases.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/metrics.hpp"

namespace notifyd::core {

/// `sdk::DocumentStore` over files in the data directory. Writers of one
/// document are serialised; reads see a complete old or new version. New
/// files get `permissions`. `update` holds `flock(LOCK_EX)` on `<name>.lock`
/// for its read-merge-write, so other programs that take the same lock never
/// interleave with it. `write_if` takes the same lock, and checks a fence
/// against `leases` (without them a fenced write is refused).
///
/// Watches see writes through this store at once and, by comparing stamps
/// about every second, edits by other programs (the seed's dashboard
/// rewriting `telegram_users.json`). Hidden files (temp files of atomic
/// writes) and `*.lock` files are not documents.
class FileDocumentStore final : public sdk::DocumentStore {
 public:
  /// Largest document read back (16 MiB); anything bigger is an error, not an allocation.
  static constexpr std::size_t max_document_bytes = 16u << 20;
  /// How long `update` waits for another program to release the lock.
  static constexpr std::chrono::milliseconds lock_wait{5000};

  /// How often watches compare the stamps of their documents.
  static constexpr std::chrono::milliseconds watch_interval{1000};
  /// Most documents one watch follows; further ones are not reported.
  static constexpr std::size_t max_watched_documents = 10000;

  explicit FileDocumentStore(std::filesystem::path root, FilePermissions permissions = {},
                             const LocalLeases* leases = nullptr);

  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override;
  sdk::Status write(std::string_view name, std::string_view content) noexcept override;
  sdk::Status remove(std::string_view name) noexcept override;
  const std::filesystem::path& root() const noexcept override { return root_; }
  sdk::Result<sdk::DocumentStamp> stamp(std::string_view name) const noexcept override;
  sdk::Result<sdk::DocumentSnapshot> snapshot(std::string_view name) const noexcept override;
  sdk::Result<sdk::DocumentSnapshot> update(std::string_view name, const sdk::DocumentChange& change) noexcept override;
  sdk::Result<sdk::VersionedDocument> read_versioned(std::string_view name) const noexcept override;
  sdk::Result<sdk::ConditionalWrite> write_if(std::string_view name, std::optional<std::string_view> content,
                                              std::uint64_t expected, const sdk::Fence& fence = {}) noexcept override;
  sdk::Subscription watch(std::string prefix, boost::asio::any_io_executor executor,
                          std::function<void(std::string name)> changed) noexcept override;
  /// Counts each write refused as fenced in `counter` (before the store is used).
  void count_fenced_in(sdk::Counter& counter) noexcept { fenced_ = &counter; }

 private:
  sdk::Result<std::filesystem::path> resolve(std::string_view name) const;
  /// The documents whose names start with `prefix`, with their stamps.
  std::optional<DocumentWatchers::Stamps> scan(const std::string& prefix) const;
  /// The version of exactly this content with this stamp.
  static std::uint64_t version_of_snapshot(const sdk::DocumentSnapshot& snapshot) noexcept;

  std::filesystem::path root_;
  FilePermissions permissions_;
  const LocalLeases* leases_;
  sdk::Counter* fenced_ = nullptr;
  std::mutex write_mutex_;
  DocumentWatchers watchers_;  ///< last: its thread stops first
};

}  // namespace notifyd::core
