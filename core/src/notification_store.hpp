#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "file_permissions.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "sqlite_db.hpp"
#include "wal_checkpointer.hpp"

namespace notifyd::core {

/// Where one channel's delivery of a notification stands.
enum class DeliveryState { pending, delivered, failed, expired };

/// A delivery still to be made, as loaded back from the store.
struct PendingDelivery {
  std::shared_ptr<const sdk::Notification> notification;
  std::uint32_t attempts = 0;
};

/// The durable notification store: SQLite in WAL mode. All writes go through
/// one writer thread that commits whatever queued up meanwhile in one
/// transaction (group commit), so durability costs one fsync per batch rather
/// than per notification. A commit is written to the log first
/// (synchronous=NORMAL: visible, and safe from a crash of the process), then
/// the log is synced (fdatasync) before anyone is told it is durable; work
/// that only needs the first (starting deliveries) runs in between. A batch
/// of delivery updates alone is not synced: the next sync covers it, and if
/// power fails first those deliveries are made again after restart.
/// Checkpoints run on a thread of their own (WalCheckpointer). Reads use a
/// second connection.
///
/// Threads: the writer thread runs only the store's own code. Every callback
/// a caller passes is posted to the executor the caller names, never run on
/// the writer thread; a callback posted after that executor's io_context has
/// stopped is destroyed without running. The owner destroys the store (which
/// joins the writer) before that io_context.
class NotificationStore {
 public:
  using InsertDone = std::function<void(sdk::Status, std::shared_ptr<const sdk::Notification>)>;
  using InsertCommitted = std::function<void(std::shared_ptr<const sdk::Notification>)>;

  /// `files`: the mode and group of the database, its -wal/-shm files and the images.
  NotificationStore(std::filesystem::path data_dir, sdk::Logger& log, FilePermissions files = {});
  /// Closes the store (see `close`).
  ~NotificationStore();
  NotificationStore(const NotificationStore&) = delete;
  NotificationStore& operator=(const NotificationStore&) = delete;

  /// Opens (creating) `<data_dir>/notifyd.db` and starts the writer thread.
  sdk::Status open();
  /// Commits everything queued, then stops the writer thread. Idempotent.
  void close();

  /// Assigns the id and time, and stores the notification, its image and one
  /// pending delivery per channel in the next group commit. Posted to
  /// `executor`: `committed` (optional) once the rows are committed and
  /// before they are synced; `done` after the sync, or on failure (then
  /// `committed` may or may not have run). Ids increase in commit order.
  void insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image,
              std::vector<std::string> channels, boost::asio::any_io_executor executor, InsertDone done,
              InsertCommitted committed = {});
  /// Records a delivery's new state; `attempt_outcome` non-empty also adds an
  /// attempt row. Fire and forget: committed with the next group.
  void update_delivery(std::uint64_t id, std::string channel, DeliveryState state, std::uint32_t attempts,
                       std::string error, std::string attempt_outcome);
  /// A fresh id for a check run that is about to start.
  std::uint64_t next_run_id();
  /// Stores a finished run (its id from `next_run_id`) and drops that
  /// check's runs beyond the newest `keep_per_check`; `done`, posted to
  /// `executor`, after the commit.
  void insert_run(sdk::RunRecord run, std::uint32_t keep_per_check, boost::asio::any_io_executor executor,
                  std::function<void(sdk::Status)> done);
  /// Recent runs, newest first; empty `check` = all of `user`'s checks.
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view check,
                                                std::uint32_t limit) const;
  /// The newest run of every check.
  sdk::Result<std::vector<sdk::RunRecord>> latest_runs() const;

  /// Removes notifications created before `created_before_ms` or beyond the
  /// newest `keep_count`, except those with a pending delivery, and their
  /// images; and runs older than `created_before_ms`. `done`, posted to
  /// `executor`, gets the number of notifications removed.
  void prune(std::int64_t created_before_ms, std::uint64_t keep_count, boost::asio::any_io_executor executor,
             std::function<void(std::size_t)> done);

  /// Pending deliveries of `channel` with ids above `after_id`, oldest first.
  sdk::Result<std::vector<PendingDelivery>> pending(std::string_view channel, std::uint64_t after_id,
                                                    std::size_t limit) const;
  /// How many deliveries of `channel` are pending.
  sdk::Result<std::uint64_t> count_pending(std::string_view channel) const;
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const;
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const;

  /// Where images are kept.
  const std::filesystem::path& image_dir() const noexcept { return image_dir_; }

 private:
  struct WriteOp {
    std::function<bool(std::string& error)> apply;  // on the writer, inside the batch transaction
    boost::asio::any_io_executor executor;          // where `done` and `committed` are posted
    std::function<void(sdk::Status)> done;          // after commit and sync, or failure
    std::function<void()> committed;                // after commit, before sync
    bool durable = true;                            // the log must be synced before `done`
    std::string what;                               // logged when it fails and there is no `done`
  };
  struct Statements;

  void enqueue(WriteOp op);
  void finish(WriteOp& op, sdk::Status status);
  void run_writer();
  void commit_batch(std::vector<WriteOp>& batch);
  sdk::Status sync_log();
  bool insert_rows(const sdk::Notification& notification, const std::vector<std::string>& channels, std::string& error);
  std::vector<sdk::HistoryEntry> load_entries(SqliteStatement& select) const;
  static std::vector<sdk::RunRecord> load_runs(SqliteStatement& select);

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

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<WriteOp> queue_;
  bool closing_ = false;
  std::uint64_t next_id_ = 1;
  std::uint64_t next_run_id_ = 1;
  std::thread writer_;
};

}  // namespace notifyd::core
