#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "file_permissions.hpp"
#include "notification_store.hpp"
#include "sqlite_db.hpp"
#include "store_lock.hpp"
#include "store_writer.hpp"
#include "wal_checkpointer.hpp"

namespace notifyd::core {

/// The notification store of a single node: SQLite in WAL mode, in
/// `data_dir`, images beside it. All writes go through one writer thread that commits whatever queued up meanwhile in one
/// transaction (group commit), so durability costs one fsync per batch rather
/// than per notification. A commit is written to the log first
/// (synchronous=NORMAL: visible, and safe from a crash of the process), then
/// the log is synced (fdatasync) before anyone is told it is durable; work
/// that only needs the first (starting deliveries) runs in between. A batch
/// of delivery updates alone is not synced: the next sync covers it, and if
/// power fails first those deliveries are made again after restart.
/// Checkpoints run on a thread of their own (WalCheckpointer). Reads use a
/// second connection. The store holds the data directory's StoreLock from
/// `open` until it is destroyed: one process at a time.
///
/// Threads: the writer thread runs only the store's own code. Every callback
/// a caller passes is posted to the executor the caller names, never run on
/// the writer thread; a callback posted after that executor's io_context has
/// stopped is destroyed without running. The owner destroys the store (which
/// joins the writer) before that io_context.
class SqliteNotificationStore final : public NotificationStore {
 public:
  /// `files`: the mode and group of the database, its -wal/-shm files and the images.
  SqliteNotificationStore(std::filesystem::path data_dir, sdk::Logger& log, FilePermissions files = {});
  /// Closes the store (see `close`).
  ~SqliteNotificationStore() override;
  SqliteNotificationStore(const SqliteNotificationStore&) = delete;
  SqliteNotificationStore& operator=(const SqliteNotificationStore&) = delete;

  /// Takes the StoreLock, opens (creating) `<data_dir>/notifyd.db` and starts the writer thread.
  sdk::Status open() override;
  void close() override;
  void insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image,
              std::vector<std::string> channels, boost::asio::any_io_executor executor, InsertDone done,
              InsertCommitted committed = {}) override;
  void update_delivery(std::uint64_t id, std::string channel, DeliveryState state, std::uint32_t attempts,
                       std::string error, std::string attempt_outcome) override;
  void after_queued_writes(boost::asio::any_io_executor executor, std::function<void()> done) override;
  sdk::Result<std::uint64_t> next_run_id() override;
  void insert_run(sdk::RunRecord run, std::uint32_t keep_per_check, boost::asio::any_io_executor executor,
                  std::function<void(sdk::Status)> done) override;
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view check,
                                                std::uint32_t limit) const override;
  sdk::Result<std::vector<sdk::RunRecord>> latest_runs() const override;
  void prune(std::int64_t created_before_ms, std::uint64_t keep_count, boost::asio::any_io_executor executor,
             std::function<void(std::size_t)> done) override;
  sdk::Result<std::vector<PendingDelivery>> pending(std::string_view channel, std::uint64_t after_id,
                                                    std::size_t limit) const override;
  sdk::Result<std::uint64_t> count_pending(std::string_view channel) const override;
  sdk::Result<std::int64_t> last_created_ms(std::string_view user, std::string_view source) const override;
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const override;
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const override;

  /// Where images are kept.
  const std::filesystem::path& image_dir() const noexcept { return image_dir_; }

 private:
  struct Write : StoreWriteAnswer {
    std::function<bool(std::string& error)> apply;  // on the writer, inside the batch transaction
    bool durable = true;                            // the log must be synced before `done`
  };
  struct Statements;

  BatchOutcome commit_batch(std::vector<Write>& batch);
  sdk::Status sync_log();
  bool insert_rows(const sdk::Notification& notification, const std::vector<std::string>& channels, std::string& error);
  std::vector<sdk::HistoryEntry> load_entries(SqliteStatement& select) const;
  static std::vector<sdk::RunRecord> load_runs(SqliteStatement& select);

  std::unique_ptr<StoreLock> lock_;  ///< released last, after both connections closed
  std::filesystem::path data_dir_;
  std::filesystem::path image_dir_;
  FilePermissions files_;
  sdk::Logger& log_;

  std::string path_;
  SqliteDb writer_db_;
  int log_fd_ = -1;  ///< the -wal file, opened at the first sync; writer thread only
  WalCheckpointer checkpointer_;  ///< stopped before writer_db_ closes
  std::unique_ptr<Statements> statements_;
  mutable std::mutex reader_mutex_;
  mutable SqliteDb reader_db_;

  std::uint64_t next_id_ = 1;                ///< taken in the writer's queue order
  std::atomic<std::uint64_t> next_run_id_{1};
  StoreWriter<Write> writer_{log_, [this](std::vector<Write>& batch) { return commit_batch(batch); }};
};

}  // namespace notifyd::core
