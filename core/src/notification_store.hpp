#pragma once

// Where notifications, their deliveries and check runs are kept: the
// interface of the single-node (SQLite) and the replicated (PostgreSQL) store.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/image.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/notification.hpp"
#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::core {

/// Where one channel's delivery of a notification stands.
enum class DeliveryState { pending, delivered, failed, expired };

/// How a store writes `state` in its rows.
inline std::string_view delivery_state_name(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending: return "pending";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::failed: return "failed";
    case DeliveryState::expired: return "expired";
  }
  return "pending";
}

/// Where a store keeps notification `id`'s image: `<image_dir>/<id>.<ext>`.
inline std::filesystem::path stored_image_file(const std::filesystem::path& image_dir, std::uint64_t id,
                                               sdk::ImageType type) {
  return image_dir / (std::to_string(id) + "." + std::string(sdk::file_extension(type)));
}

/// Adds a delivery row read back from a store to `entry`. A successful
/// attempt is not stored twice: the delivery row says when it happened, so
/// it is listed among the attempts from there.
inline void add_delivery(sdk::HistoryEntry& entry, sdk::DeliveryRecord record) {
  if (record.state == "delivered") entry.attempts.push_back({record.channel, record.updated_at_ms, "delivered", ""});
  entry.deliveries.push_back(std::move(record));
}

/// A delivery still to be made, as loaded back from the store.
struct PendingDelivery {
  std::shared_ptr<const sdk::Notification> notification;
  std::uint32_t attempts = 0;
};

/// The durable notification store: notifications with their images and
/// deliveries, delivery attempts, check runs. Writes are grouped into
/// batches on a writer of the store's own; reads answer at once.
///
/// Threads: every callback a caller passes is posted to the executor the
/// caller names, never run on the store's writer; a callback posted after
/// that executor's io_context has stopped is destroyed without running. The
/// owner destroys the store (which stops the writer) before that io_context.
class NotificationStore {
 public:
  using InsertDone = std::function<void(sdk::Status, std::shared_ptr<const sdk::Notification>)>;
  using InsertCommitted = std::function<void(std::shared_ptr<const sdk::Notification>)>;

  virtual ~NotificationStore() = default;

  /// Opens the store (creating what is missing) and starts its writer.
  virtual sdk::Status open() = 0;
  /// Commits everything queued, then stops the writer. Idempotent.
  virtual void close() = 0;

  /// Assigns the id and time, and stores the notification, its image and one
  /// pending delivery per channel in the next group commit. Posted to
  /// `executor`: `committed` (optional) once the rows are committed and
  /// before they are synced to disk; `done` once they are durable, or on
  /// failure (then `committed` may or may not have run). One store's ids
  /// increase in commit order; across replicas sharing a store, readers of
  /// `id > since` never pass an id that has yet to commit.
  virtual void insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image,
              std::vector<std::string> channels, boost::asio::any_io_executor executor, InsertDone done,
              InsertCommitted committed = {}) = 0;
  /// Records a delivery's new state; `attempt_outcome` non-empty also adds an
  /// attempt row. A delivery that is no longer pending keeps its state (a
  /// late result from a replica that lost the channel's lease changes
  /// nothing; its attempt is still listed). Fire and forget: committed with
  /// the next group.
  virtual void update_delivery(std::uint64_t id, std::string channel, DeliveryState state, std::uint32_t attempts,
                       std::string error, std::string attempt_outcome) = 0;
  /// Posts `done` to `executor` once every write queued before this call
  /// has been committed (or has failed): a read made after `done` sees them.
  virtual void after_queued_writes(boost::asio::any_io_executor executor, std::function<void()> done) = 0;
  /// A fresh id for a check run that is about to start, or why none could
  /// be drawn (a shared store that cannot be reached).
  virtual sdk::Result<std::uint64_t> next_run_id() = 0;
  /// Stores a finished run (its id from `next_run_id`) and drops that
  /// check's runs beyond the newest `keep_per_check`; `done`, posted to
  /// `executor`, after the commit.
  virtual void insert_run(sdk::RunRecord run, std::uint32_t keep_per_check, boost::asio::any_io_executor executor,
                  std::function<void(sdk::Status)> done) = 0;
  /// Recent runs, newest first; empty `check` = all of `user`'s checks.
  virtual sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view check,
                                                std::uint32_t limit) const = 0;
  /// The newest run of every check.
  virtual sdk::Result<std::vector<sdk::RunRecord>> latest_runs() const = 0;

  /// Removes notifications created before `created_before_ms` or beyond the
  /// newest `keep_count`, except those with a pending delivery, and their
  /// images; and runs older than `created_before_ms`. `done`, posted to
  /// `executor`, gets the number of notifications removed.
  virtual void prune(std::int64_t created_before_ms, std::uint64_t keep_count, boost::asio::any_io_executor executor,
             std::function<void(std::size_t)> done) = 0;

  /// Pending deliveries of `channel` with ids above `after_id`, oldest first.
  virtual sdk::Result<std::vector<PendingDelivery>> pending(std::string_view channel, std::uint64_t after_id,
                                                    std::size_t limit) const = 0;
  /// How many deliveries of `channel` are pending.
  virtual sdk::Result<std::uint64_t> count_pending(std::string_view channel) const = 0;
  /// When `user`'s newest notification from `source` was stored (Unix ms),
  /// 0 when none is kept: a check's cooldown stamp committed with the
  /// notification itself.
  virtual sdk::Result<std::int64_t> last_created_ms(std::string_view user, std::string_view source) const = 0;
  /// Notifications with their deliveries and attempts, as `query` asks.
  virtual sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const = 0;
  /// One notification with its deliveries and attempts.
  virtual sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const = 0;
  /// Its connections to a shared database, for health; none for a local file.
  virtual std::vector<sdk::EngineConnection> connections() const { return {}; }
};

}  // namespace notifyd::core
