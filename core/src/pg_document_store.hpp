#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "pg_schema.hpp"
#include "pg_session_pool.hpp"
#include "reconnecting_pg_connection.hpp"

namespace notifyd::core {

/// `sdk::DocumentStore` over the `documents` table that replicas share
/// (schema version 2). Every change draws a new version from the
/// `document_versions` sequence under the documents lock
/// (pg_advisory_xact_lock), so versions commit in order, and rings the
/// `notifyd_documents` doorbell in the same transaction. A removed document
/// keeps its row (content NULL) so watchers see the removal. A document's
/// stamp carries its version as `identity`; `update` holds the documents
/// lock from its read to its write. `write_if` is one statement (no
/// transaction stays open while the writer runs): a fenced one locks the
/// lease's row (FOR SHARE) where it must still name the fence's holding, so
/// a takeover waits for the write and a stale holder's write finds no row;
/// the compare is part of the write itself.
/// `watch` follows the versions from the connection `link`: woken by the
/// doorbell, and re-reading `version > last` every second, so a lost
/// doorbell delays a report by about a second at most.
/// Blocking calls borrow a session from `pool`; `root()` is the local data
/// directory (for the channels' local files).
class PgDocumentStore final : public sdk::DocumentStore {
 public:
  /// Largest document written or read (16 MiB), as for the file store.
  static constexpr std::size_t max_document_bytes = 16u << 20;
  /// The doorbell a change rings.
  static constexpr std::string_view doorbell = "notifyd_documents";
  /// The documents lock (`pg_documents_lock`); a writer in notifyd also
  /// NOTIFYs `doorbell` before committing.
  static constexpr std::string_view versions_lock = pg_documents_lock;
  /// How often watchers re-read the versions without a doorbell.
  static constexpr std::chrono::milliseconds cursor_period{1000};

  /// Registers with `link` (before it starts).
  PgDocumentStore(PgSessionPool& pool, std::shared_ptr<ReconnectingPgConnection> link, std::filesystem::path root);
  ~PgDocumentStore() override;
  PgDocumentStore(const PgDocumentStore&) = delete;
  PgDocumentStore& operator=(const PgDocumentStore&) = delete;

  /// Reads the newest version (blocking; watchers hear of changes after it)
  /// and starts following the versions.
  sdk::Status start();
  /// Stops following; no watcher is called after it.
  void stop();

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
  struct Watcher;
  class Cursor;

  PgSessionPool& pool_;
  std::filesystem::path root_;
  sdk::Counter* fenced_ = nullptr;
  std::shared_ptr<Cursor> cursor_;
};

}  // namespace notifyd::core
