#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "file_permissions.hpp"
#include "notification_store.hpp"
#include "pg_session.hpp"
#include "store_writer.hpp"

namespace notifyd::core {

/// The notification store replicas share: PostgreSQL (schema from
/// pg_schema.hpp, migrated by `open`). As in the single-node store, one
/// writer thread commits whatever queued up meanwhile in one transaction;
/// PostgreSQL's commit is the durability point, so `committed` and `done`
/// follow it together. A batch that inserts draws its ids from the shared
/// sequence and its transaction id under the id lock (a session advisory
/// lock, given back within the same statement), so replicas' commits
/// overlap and share WAL flushes. Ids may then commit out of order; a
/// reader of `id > since` (history, pending) stops below missing ids whose
/// writer may still be running (`writer_xid`, schema version 4), so it never
/// passes an id that has yet to commit. A batch is one round trip: its statements (prepared
/// once per connection) and its COMMIT are sent together in libpq's
/// pipeline mode, so its cost hardly grows with its size: all of a batch's
/// new notifications are one statement, all its delivery changes another.
/// Images live in the database; each replica keeps a copy
/// in `image_dir` for the channels that send files, written when it stores
/// or first loads the notification. Reads use a second connection.
///
/// Threads: as the single-node store's.
class PgNotificationStore final : public NotificationStore {
 public:
  /// Tests only: runs on the writer thread after a batch's statements and
  /// before its COMMIT, where a test holds a batch open (ids taken, rows not
  /// yet visible) to interleave replicas.
  using TestHookBeforeCommit = std::function<void()>;

  /// `dsn`: the libpq connection string of the cluster's database.
  PgNotificationStore(std::string dsn, std::filesystem::path image_dir, sdk::Logger& log, FilePermissions files = {},
                      TestHookBeforeCommit test_hook_before_commit = {});
  ~PgNotificationStore() override;
  PgNotificationStore(const PgNotificationStore&) = delete;
  PgNotificationStore& operator=(const PgNotificationStore&) = delete;

  /// Rings `sdk::notifications_committed_topic`, and
  /// `sdk::notification_stored_topic` for each notification, on the
  /// cluster's bus (`PgBus`) from inside each batch that stores
  /// notifications: the rings leave with the commit and cost no statement or
  /// round trip of their own. Call before `open`.
  void ring_in_commit() { ring_in_commit_ = true; }

  /// Connects, migrates the schema and starts the writer thread.
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
  /// The writer's connection (`store-writer`) and the readers' (`store-reader`).
  std::vector<sdk::EngineConnection> connections() const override;

 private:
  /// A notification to store; a batch stores all of its own in one statement.
  struct NewNotification {
    std::shared_ptr<sdk::Notification> stored;  ///< gets its id, time and image copy on the writer
    std::shared_ptr<std::string> image_bytes;
    std::vector<std::string> channels;
  };
  /// A delivery's new state and the attempt it records (none when `outcome`
  /// is empty); a batch applies all of its own in one statement.
  struct DeliveryChange {
    std::uint64_t id = 0;
    std::string channel;
    DeliveryState state = DeliveryState::pending;
    std::uint32_t attempts = 0;
    std::string error;
    std::string outcome;
    std::int64_t at_ms = 0;
  };
  struct Write : StoreWriteAnswer {
    std::optional<NewNotification> notification;
    std::optional<DeliveryChange> delivery;
    /// Any other write, on the writer: adds its statements to the batch's.
    /// They run after it returns, all in one pipeline.
    std::function<sdk::Status(std::vector<PgStatement>& statements)> apply;
    /// On the writer, after the commit: the answers to `apply`'s statements.
    std::function<void(std::vector<PgRows>& answers)> answered;
  };

  /// The statement that stores `batch`'s new notifications, their image
  /// copies written under provisional names; it answers the first id drawn.
  sdk::Result<PgStatement> insert_statement(std::vector<Write>& batch);
  /// What follows the id in `notification`'s `notification_stored_topic`
  /// note: the rest of its history JSON, or `}` alone when it has an image or
  /// the note would be longer than the bus carries.
  static std::string stored_note_after_id(const NewNotification& notification);
  /// The statement that applies `batch`'s delivery changes in queue order.
  static PgStatement delivery_statement(const std::vector<Write>& batch);
  /// Gives the batch's new notifications ids from `first` on, in queue
  /// order, and their image copies their final names.
  void number_notifications(std::vector<Write>& batch, std::uint64_t first);
  BatchOutcome commit_batch(std::vector<Write>& batch);
  /// The notification of a row of `notification_columns`, its image copied
  /// to `image_dir` when this replica has no copy yet. Reader mutex held.
  sdk::Notification read_notification(const std::vector<std::optional<std::string>>& row) const;
  /// The notifications `selection` (what follows `FROM notifications n`)
  /// picks, with their deliveries and attempts. Reader mutex held.
  sdk::Result<std::vector<sdk::HistoryEntry>> read_entries(const std::string& selection,
                                                           const std::vector<PgParam>& params) const;

  std::filesystem::path image_dir_;
  FilePermissions files_;
  sdk::Logger& log_;
  PgSession writer_db_;
  mutable std::mutex reader_mutex_;
  mutable PgSession reader_db_;
  static constexpr int run_ids_per_draw = 32;
  std::deque<std::uint64_t> spare_run_ids_;  ///< drawn, not yet used; guarded by reader_mutex_

  bool ring_in_commit_ = false;
  TestHookBeforeCommit test_hook_before_commit_;
  std::uint64_t incoming_images_ = 0;  ///< writer thread: names image copies until their id is known
  StoreWriter<Write> writer_{log_, [this](std::vector<Write>& batch) { return commit_batch(batch); }};
};

}  // namespace notifyd::core
