#include "sqlite_notification_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "atomic_file.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "sqlite_schema.hpp"
#include "stored_tags.hpp"

namespace notifyd::core {
namespace {

constexpr std::string_view run_columns =
    "id, user, check_name, trigger, started_at, duration_ms, exit_code, outcome, detail, stderr, notification_id";

constexpr std::string_view notification_columns =
    "id, user, title, message, format, source, data, image_path, image_type, created_at, priority, tags";

sdk::Notification read_notification(const SqliteStatement& row) {
  sdk::Notification n;
  n.id = static_cast<std::uint64_t>(row.integer(0));
  n.user = row.text(1);
  n.title = row.text(2);
  n.message = row.text(3);
  n.format = static_cast<sdk::TextFormat>(row.integer(4));
  n.source = row.text(5);
  n.data_json = row.text(6);
  n.image_path = row.text(7);
  n.image_type = sdk::image_type_from_name(row.text(8));
  n.created_at_ms = row.integer(9);
  n.priority = sdk::priority_from_number(row.integer(10)).value_or(sdk::default_priority);
  n.tags = tags_from_stored_text(row.text(11));
  return n;
}

}  // namespace

struct SqliteNotificationStore::Statements {
  explicit Statements(SqliteDb& db)
      : begin(db.prepare("BEGIN IMMEDIATE")),
        commit(db.prepare("COMMIT")),
        rollback(db.prepare("ROLLBACK")),
        insert_notification(db.prepare(
            "INSERT INTO notifications(id, user, title, message, format, source, data, image_path, image_type, "
            "created_at, priority, tags) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")),
        insert_delivery(db.prepare(
            "INSERT INTO deliveries(notification_id, channel, state, attempts, last_error, updated_at) "
            "VALUES(?1, ?2, 'pending', 0, '', ?3)")),
        update_delivery(db.prepare(
            "UPDATE deliveries SET state = ?3, attempts = ?4, last_error = ?5, updated_at = ?6 "
            "WHERE notification_id = ?1 AND channel = ?2 AND state = 'pending'")),
        insert_attempt(db.prepare(
            "INSERT INTO attempts(notification_id, channel, at, outcome, error) VALUES(?1, ?2, ?3, ?4, ?5)")),
        select_prunable(db.prepare(
            "SELECT id, image_path FROM notifications n WHERE (created_at < ?1 OR id <= ?2) AND NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.state = 'pending') LIMIT 5000")),
        delete_notification(db.prepare("DELETE FROM notifications WHERE id = ?1")),
        delete_deliveries(db.prepare("DELETE FROM deliveries WHERE notification_id = ?1")),
        delete_attempts(db.prepare("DELETE FROM attempts WHERE notification_id = ?1")),
        max_id(db.prepare("SELECT coalesce(max(id), 0) FROM notifications")),
        insert_run(db.prepare("INSERT INTO runs(" + std::string(run_columns) +
                              ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
        delete_old_runs(db.prepare("DELETE FROM runs WHERE started_at < ?1")),
        delete_surplus_runs(db.prepare(
            "DELETE FROM runs WHERE user = ?1 AND check_name = ?2 AND id <= (SELECT id FROM runs WHERE user = ?1 "
            "AND check_name = ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3)")),
        max_run_id(db.prepare("SELECT coalesce(max(id), 0) FROM runs")) {}

  SqliteStatement begin, commit, rollback;
  SqliteStatement insert_notification, insert_delivery, update_delivery, insert_attempt;
  SqliteStatement select_prunable, delete_notification, delete_deliveries, delete_attempts, max_id;
  SqliteStatement insert_run, delete_old_runs, delete_surplus_runs, max_run_id;
};

SqliteNotificationStore::SqliteNotificationStore(std::filesystem::path data_dir, sdk::Logger& log, FilePermissions files)
    : data_dir_(std::move(data_dir)), image_dir_(data_dir_ / "images"), files_(std::move(files)), log_(log),
      checkpointer_(log) {}

SqliteNotificationStore::~SqliteNotificationStore() {
  close();
  statements_.reset();
}

sdk::Status SqliteNotificationStore::open() {
  try {
    std::error_code ec;
    std::filesystem::create_directories(image_dir_, ec);
    if (ec) return sdk::Status::failure("cannot create " + image_dir_.string() + ": " + ec.message());
    if (!lock_) {
      auto lock = StoreLock::take(data_dir_);
      if (!lock) return sdk::Status::failure(lock.error());
      lock_ = std::move(lock).value();
    }
    const std::string path = (data_dir_ / "notifyd.db").string();
    path_ = path;
    // Created here, not by SQLite, so its mode never comes from the umask; SQLite gives -wal and -shm the same mode.
    if (auto status = prepare_file(path, files_); !status) return status;
    if (auto status = writer_db_.open(path, false); !status) return status;
    // NORMAL: commits are not synced by SQLite; commit_batch syncs the log itself.
    for (auto pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"}) {
      if (auto status = writer_db_.exec(pragma); !status) return sdk::Status::failure(path + ": " + status.message);
    }
    for (const char* suffix : {"-wal", "-shm"}) {
      if (auto status = apply_permissions(path + suffix, files_); !status) return status;
    }
    if (auto migrated = migrate_sqlite_schema(writer_db_); !migrated) {
      return sdk::Status::failure(path + ": " + migrated.error());
    }
    statements_ = std::make_unique<Statements>(writer_db_);
    if (statements_->max_id.step()) next_id_ = static_cast<std::uint64_t>(statements_->max_id.integer(0)) + 1;
    statements_->max_id.reset();
    if (statements_->max_run_id.step()) next_run_id_ = static_cast<std::uint64_t>(statements_->max_run_id.integer(0)) + 1;
    statements_->max_run_id.reset();
    if (auto status = reader_db_.open(path, true); !status) return status;
    if (auto status = checkpointer_.start(path, writer_db_.handle()); !status) {
      return sdk::Status::failure(path + ": " + status.message);
    }
    writer_.start();
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void SqliteNotificationStore::close() {
  writer_.close();
  checkpointer_.stop();
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
}

void SqliteNotificationStore::insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image,
                               std::vector<std::string> channels, boost::asio::any_io_executor executor,
                               InsertDone done, InsertCommitted committed) {
  if (image) notification.image_type = image->type;
  auto stored = std::make_shared<sdk::Notification>(std::move(notification));
  auto image_bytes = image ? std::make_shared<std::string>(std::move(image->bytes)) : nullptr;
  auto apply = [this, stored, image_bytes, channels = std::move(channels)](std::string& error) {
    if (image_bytes) {
      if (auto status = write_file_atomically(stored->image_path, *image_bytes, files_); !status) {
        error = status.message;
        return false;
      }
    }
    return insert_rows(*stored, channels, error);
  };
  Write op{notification_insert_answer(stored, std::move(executor), std::move(done), std::move(committed)),
           std::move(apply)};
  writer_.push(std::move(op), [this, stored](Write&) {
    stored->id = next_id_++;
    stored->created_at_ms = sdk::now_epoch_ms();
    if (stored->image_type) {
      stored->image_path = stored_image_file(image_dir_, stored->id, *stored->image_type).string();
    }
  });
}

bool SqliteNotificationStore::insert_rows(const sdk::Notification& n, const std::vector<std::string>& channels,
                                    std::string& error) {
  auto& s = *statements_;
  s.insert_notification.bind(1, static_cast<std::int64_t>(n.id))
      .bind(2, n.user)
      .bind(3, n.title)
      .bind(4, n.message)
      .bind(5, static_cast<std::int64_t>(n.format))
      .bind(6, n.source)
      .bind(7, n.data_json)
      .bind(8, n.image_path)
      .bind(9, n.image_type ? sdk::file_extension(*n.image_type) : std::string_view{})
      .bind(10, n.created_at_ms)
      .bind(11, static_cast<std::int64_t>(n.priority))
      .bind(12, stored_tags_text(n.tags));
  if (!s.insert_notification.run()) {
    error = writer_db_.error();
    return false;
  }
  for (const auto& channel : channels) {
    s.insert_delivery.bind(1, static_cast<std::int64_t>(n.id)).bind(2, channel).bind(3, n.created_at_ms);
    if (!s.insert_delivery.run()) {
      error = writer_db_.error();
      return false;
    }
  }
  return true;
}

void SqliteNotificationStore::update_delivery(std::uint64_t id, std::string channel, DeliveryState state,
                                        std::uint32_t attempts, std::string error, std::string attempt_outcome) {
  Write op;
  op.apply = [this, id, channel = std::move(channel), state, attempts, error = std::move(error),
              outcome = std::move(attempt_outcome)](std::string& failure) {
    auto& s = *statements_;
    const auto at = sdk::now_epoch_ms();
    s.update_delivery.bind(1, static_cast<std::int64_t>(id))
        .bind(2, channel)
        .bind(3, delivery_state_name(state))
        .bind(4, static_cast<std::int64_t>(attempts))
        .bind(5, error)
        .bind(6, at);
    if (!s.update_delivery.run()) {
      failure = writer_db_.error();
      return false;
    }
    if (!outcome.empty()) {
      s.insert_attempt.bind(1, static_cast<std::int64_t>(id)).bind(2, channel).bind(3, at).bind(4, outcome).bind(5, error);
      if (!s.insert_attempt.run()) {
        failure = writer_db_.error();
        return false;
      }
    }
    return true;
  };
  op.what = "record delivery of notification " + std::to_string(id);
  op.durable = false;
  writer_.push(std::move(op));
}

void SqliteNotificationStore::prune(std::int64_t created_before_ms, std::uint64_t keep_count,
                              boost::asio::any_io_executor executor, std::function<void(std::size_t)> done) {
  auto removed = std::make_shared<std::size_t>(0);
  auto images = std::make_shared<std::vector<std::string>>();
  Write op;
  op.executor = std::move(executor);
  op.apply = [this, created_before_ms, keep_count, removed, images](std::string& error) {
    auto& s = *statements_;
    std::int64_t max_id = 0;
    if (s.max_id.step()) max_id = s.max_id.integer(0);
    s.max_id.reset();
    const std::int64_t count_cutoff = max_id - static_cast<std::int64_t>(keep_count);
    std::vector<std::int64_t> ids;
    s.select_prunable.bind(1, created_before_ms).bind(2, count_cutoff);
    while (s.select_prunable.step()) {
      ids.push_back(s.select_prunable.integer(0));
      if (auto image = s.select_prunable.text(1); !image.empty()) images->push_back(std::move(image));
    }
    s.select_prunable.reset();
    for (auto id : ids) {
      for (auto* statement : {&s.delete_attempts, &s.delete_deliveries, &s.delete_notification}) {
        statement->bind(1, id);
        if (!statement->run()) {
          error = writer_db_.error();
          return false;
        }
      }
    }
    *removed = ids.size();
    s.delete_old_runs.bind(1, created_before_ms);
    if (!s.delete_old_runs.run()) {
      error = writer_db_.error();
      return false;
    }
    return true;
  };
  op.done = [removed, images, done = std::move(done)](sdk::Status status) {
    if (status) {
      for (const auto& image : *images) {
        std::error_code ignored;
        std::filesystem::remove(image, ignored);
      }
    }
    if (done) done(status ? *removed : 0);
  };
  writer_.push(std::move(op));
}

void SqliteNotificationStore::after_queued_writes(boost::asio::any_io_executor executor, std::function<void()> done) {
  Write op;
  op.executor = std::move(executor);
  op.done = [done = std::move(done)](sdk::Status) { done(); };
  op.apply = [](std::string&) { return true; };
  op.durable = false;
  writer_.push(std::move(op));
}

sdk::Result<std::uint64_t> SqliteNotificationStore::next_run_id() { return next_run_id_++; }

void SqliteNotificationStore::insert_run(sdk::RunRecord run, std::uint32_t keep_per_check,
                                   boost::asio::any_io_executor executor, std::function<void(sdk::Status)> done) {
  Write op;
  op.executor = std::move(executor);
  op.apply = [this, run = std::move(run), keep_per_check](std::string& error) {
    auto& statement = statements_->insert_run;
    statement.bind(1, static_cast<std::int64_t>(run.id))
        .bind(2, run.user)
        .bind(3, run.check)
        .bind(4, run.trigger)
        .bind(5, run.started_at_ms)
        .bind(6, run.duration_ms)
        .bind(7, run.exit_code ? std::optional<std::int64_t>(*run.exit_code) : std::nullopt)
        .bind(8, run.outcome)
        .bind(9, run.detail)
        .bind(10, run.stderr_tail)
        .bind(11, static_cast<std::int64_t>(run.notification_id));
    if (!statement.run()) {
      error = writer_db_.error();
      return false;
    }
    auto& surplus = statements_->delete_surplus_runs;
    surplus.bind(1, run.user).bind(2, run.check).bind(3, static_cast<std::int64_t>(std::max(keep_per_check, 1u)));
    if (!surplus.run()) {
      error = writer_db_.error();
      return false;
    }
    return true;
  };
  op.done = std::move(done);
  writer_.push(std::move(op));
}

std::vector<sdk::RunRecord> SqliteNotificationStore::load_runs(SqliteStatement& select) {
  std::vector<sdk::RunRecord> runs;
  while (select.step()) {
    sdk::RunRecord run;
    run.id = static_cast<std::uint64_t>(select.integer(0));
    run.user = select.text(1);
    run.check = select.text(2);
    run.trigger = select.text(3);
    run.started_at_ms = select.integer(4);
    run.duration_ms = select.integer(5);
    if (!select.is_null(6)) run.exit_code = static_cast<int>(select.integer(6));
    run.outcome = select.text(7);
    run.detail = select.text(8);
    run.stderr_tail = select.text(9);
    run.notification_id = static_cast<std::uint64_t>(select.integer(10));
    runs.push_back(std::move(run));
  }
  return runs;
}

sdk::Result<std::vector<sdk::RunRecord>> SqliteNotificationStore::runs(std::string_view user, std::string_view check,
                                                                 std::uint32_t limit) const {
  using R = sdk::Result<std::vector<sdk::RunRecord>>;
  try {
    std::string sql = "SELECT " + std::string(run_columns) + " FROM runs WHERE user = ?1";
    if (!check.empty()) sql += " AND check_name = ?2";
    sql += " ORDER BY id DESC LIMIT ?3";
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare(sql);
    select.bind(1, user).bind(2, check).bind(3, static_cast<std::int64_t>(std::clamp<std::uint32_t>(limit, 1, 500)));
    return load_runs(select);
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::vector<sdk::RunRecord>> SqliteNotificationStore::latest_runs() const {
  using R = sdk::Result<std::vector<sdk::RunRecord>>;
  try {
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare("SELECT " + std::string(run_columns) +
                                     " FROM runs WHERE id IN (SELECT max(id) FROM runs GROUP BY user, check_name)");
    return load_runs(select);
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

BatchOutcome SqliteNotificationStore::commit_batch(std::vector<Write>& batch) {
  auto& s = *statements_;
  std::string error;
  bool ok = s.begin.run();
  if (!ok) error = writer_db_.error();
  for (auto& op : batch) {
    if (!ok) break;
    ok = op.apply(error);
  }
  if (ok && s.commit.run()) {
    StoreWriter<Write>::post_committed(batch);
    const bool durable = std::any_of(batch.begin(), batch.end(), [](const Write& op) { return op.durable; });
    const sdk::Status synced = durable ? sync_log() : sdk::Status::success();
    if (!synced) log_.error("store write not confirmed by the disk: ", synced.message);
    return {synced, false};
  }
  if (error.empty()) error = writer_db_.error();
  s.rollback.run();
  return {sdk::Status::failure(error), true};
}

sdk::Status SqliteNotificationStore::sync_log() {
  if (log_fd_ < 0) {
    const std::string log_path = path_ + "-wal";
    log_fd_ = ::open(log_path.c_str(), O_RDWR | O_CLOEXEC);
    if (log_fd_ < 0) return sdk::Status::failure("cannot open " + log_path + ": " + std::strerror(errno));
  }
  int synced;
  do {
    synced = ::fdatasync(log_fd_);
  } while (synced != 0 && errno == EINTR);
  if (synced != 0) return sdk::Status::failure(std::string("fdatasync of the store's log failed: ") + std::strerror(errno));
  return sdk::Status::success();
}

sdk::Result<std::vector<PendingDelivery>> SqliteNotificationStore::pending(std::string_view channel, std::uint64_t after_id,
                                                                     std::size_t limit) const {
  using R = sdk::Result<std::vector<PendingDelivery>>;
  try {
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare(
        "SELECT n.id, n.user, n.title, n.message, n.format, n.source, n.data, n.image_path, n.image_type, "
        "n.created_at, n.priority, n.tags, d.attempts FROM deliveries d "
        "JOIN notifications n ON n.id = d.notification_id "
        "WHERE d.channel = ?1 AND d.state = 'pending' AND d.notification_id > ?2 ORDER BY d.notification_id LIMIT ?3");
    select.bind(1, channel).bind(2, static_cast<std::int64_t>(after_id)).bind(3, static_cast<std::int64_t>(limit));
    std::vector<PendingDelivery> out;
    while (select.step()) {
      out.push_back({std::make_shared<const sdk::Notification>(read_notification(select)),
                     static_cast<std::uint32_t>(select.integer(12))});
    }
    if (select.last_code() != SQLITE_DONE) return R::failure(reader_db_.error());
    return out;
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::uint64_t> SqliteNotificationStore::count_pending(std::string_view channel) const {
  using R = sdk::Result<std::uint64_t>;
  try {
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare("SELECT count(*) FROM deliveries WHERE channel = ?1 AND state = 'pending'");
    select.bind(1, channel);
    if (!select.step()) return R::failure(reader_db_.error());
    return static_cast<std::uint64_t>(select.integer(0));
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<std::int64_t> SqliteNotificationStore::last_created_ms(std::string_view user,
                                                                   std::string_view source) const {
  using R = sdk::Result<std::int64_t>;
  try {
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare(
        "SELECT created_at FROM notifications WHERE user = ?1 AND source = ?2 ORDER BY id DESC LIMIT 1");
    select.bind(1, user);
    select.bind(2, source);
    return select.step() ? select.integer(0) : std::int64_t{0};
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

std::vector<sdk::HistoryEntry> SqliteNotificationStore::load_entries(SqliteStatement& select) const {
  std::vector<sdk::HistoryEntry> entries;
  while (select.step()) entries.push_back({read_notification(select), {}, {}});
  auto deliveries = reader_db_.prepare(
      "SELECT channel, state, attempts, last_error, updated_at FROM deliveries WHERE notification_id = ?1 "
      "ORDER BY channel");
  auto attempts = reader_db_.prepare(
      "SELECT channel, at, outcome, error FROM attempts WHERE notification_id = ?1 ORDER BY at, rowid");
  for (auto& entry : entries) {
    const auto id = static_cast<std::int64_t>(entry.notification.id);
    attempts.bind(1, id);
    while (attempts.step()) {
      entry.attempts.push_back({attempts.text(0), attempts.integer(1), attempts.text(2), attempts.text(3)});
    }
    attempts.reset();
    deliveries.bind(1, id);
    while (deliveries.step()) {
      sdk::DeliveryRecord record{deliveries.text(0), deliveries.text(1),
                                 static_cast<std::uint32_t>(deliveries.integer(2)), deliveries.text(3),
                                 deliveries.integer(4)};
      add_delivery(entry, std::move(record));
    }
    deliveries.reset();
  }
  return entries;
}

sdk::Result<std::vector<sdk::HistoryEntry>> SqliteNotificationStore::history(const sdk::HistoryQuery& query) const {
  using R = sdk::Result<std::vector<sdk::HistoryEntry>>;
  try {
    std::string sql = "SELECT " + std::string(notification_columns) + " FROM notifications WHERE id > ?2";
    if (!query.user.empty()) sql += " AND user = ?1";
    if (query.before_id > 0) sql += " AND id < ?3";
    if (query.min_priority) sql += " AND priority >= ?5";
    if (!query.tag.empty()) sql += " AND EXISTS (SELECT 1 FROM json_each(notifications.tags) WHERE value = ?6)";
    sql += query.after_id > 0 ? " ORDER BY id ASC" : " ORDER BY id DESC";
    sql += " LIMIT ?4";
    std::lock_guard lock(reader_mutex_);
    auto select = reader_db_.prepare(sql);
    select.bind(1, query.user)
        .bind(2, static_cast<std::int64_t>(query.after_id))
        .bind(3, static_cast<std::int64_t>(query.before_id))
        .bind(4, static_cast<std::int64_t>(std::clamp<std::uint32_t>(query.limit, 1, 500)))
        .bind(5, static_cast<std::int64_t>(query.min_priority.value_or(sdk::Priority::min)))
        .bind(6, query.tag);
    return load_entries(select);
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

sdk::Result<sdk::HistoryEntry> SqliteNotificationStore::find(std::uint64_t id) const {
  using R = sdk::Result<sdk::HistoryEntry>;
  try {
    std::lock_guard lock(reader_mutex_);
    auto select =
        reader_db_.prepare("SELECT " + std::string(notification_columns) + " FROM notifications WHERE id = ?1");
    select.bind(1, static_cast<std::int64_t>(id));
    auto entries = load_entries(select);
    if (entries.empty()) return R::failure("no notification " + std::to_string(id));
    return std::move(entries.front());
  } catch (const std::exception& e) {
    return R::failure(e.what());
  }
}

}  // namespace notifyd::core
