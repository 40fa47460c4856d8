#include "pg_notification_store.hpp"

#include <algorithm>
#include <map>

#include "atomic_file.hpp"
#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/bus_topics.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "pg_bus.hpp"
#include "pg_schema.hpp"
#include "stored_tags.hpp"

namespace notifyd::core {
namespace {

// Held by a batch while it draws notification ids ("ids" in ASCII): a
// session lock, released before the COMMIT so that replicas' commits share
// their WAL flushes.
constexpr std::string_view id_lock = "6906995";

// The lowest id a reader of `id > after` must not pass yet: the first row
// above `after` preceded by missing ids that a transaction still running may
// hold. Ids and transaction ids are drawn under the id lock, in the same
// order, so missing ids below a row whose writer ended before this
// statement's snapshot (`writer_xid` below the snapshot's xmin) were rolled
// back or deleted: they will not appear. (The predecessor is a subquery
// per row, looked up in the index; as NOT EXISTS it was planned as a hash
// anti join over the whole table.)
std::string settled_below(std::string_view after) {
  return "(SELECT coalesce(min(u.id), 9223372036854775807) FROM notifications u "
         "WHERE u.writer_xid >= pg_snapshot_xmin(pg_current_snapshot()) AND u.id - 1 > " +
         std::string(after) + " AND (SELECT p.id FROM notifications p WHERE p.id = u.id - 1) IS NULL)";
}

constexpr std::string_view notification_columns =
    "n.id, n.user_name, n.title, n.message, n.format, n.source, n.data, n.image_type, n.created_at, n.priority, "
    "array_to_json(n.tags)";
// How many columns `notification_columns` has: those a statement adds come after them.
constexpr std::size_t notification_column_count = 11;
constexpr std::string_view run_columns =
    "id, user_name, check_name, trigger, started_at, duration_ms, exit_code, outcome, detail, stderr, notification_id";

using Row = std::vector<std::optional<std::string>>;

// A `notification_stored_topic` note is `{"id":` (this), the id, then the
// rest of the notification's JSON, which the id comes first in.
constexpr std::string_view stored_note_id_key = "{\"id\":";
// The longest id in decimal.
constexpr std::size_t longest_id = 20;

std::string text(const Row& row, std::size_t column) { return row.at(column).value_or(""); }
std::int64_t integer(const Row& row, std::size_t column) { return std::stoll(row.at(column).value_or("0")); }

std::vector<sdk::RunRecord> read_runs(const PgRows& rows) {
  std::vector<sdk::RunRecord> runs;
  for (const auto& row : rows.rows) {
    sdk::RunRecord run;
    run.id = static_cast<std::uint64_t>(integer(row, 0));
    run.user = text(row, 1);
    run.check = text(row, 2);
    run.trigger = text(row, 3);
    run.started_at_ms = integer(row, 4);
    run.duration_ms = integer(row, 5);
    if (row.at(6)) run.exit_code = static_cast<int>(integer(row, 6));
    run.outcome = text(row, 7);
    run.detail = text(row, 8);
    run.stderr_tail = text(row, 9);
    run.notification_id = static_cast<std::uint64_t>(integer(row, 10));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace

PgNotificationStore::PgNotificationStore(std::string dsn, std::filesystem::path image_dir, sdk::Logger& log,
                                         FilePermissions files, TestHookBeforeCommit test_hook_before_commit)
    : image_dir_(std::move(image_dir)),
      files_(std::move(files)),
      log_(log),
      writer_db_(dsn),
      reader_db_(dsn),
      test_hook_before_commit_(std::move(test_hook_before_commit)) {}

PgNotificationStore::~PgNotificationStore() { close(); }

sdk::Status PgNotificationStore::open() {
  try {
    std::error_code ec;
    std::filesystem::create_directories(image_dir_, ec);
    if (ec) return sdk::Status::failure("cannot create " + image_dir_.string() + ": " + ec.message());
    if (auto migrated = migrate_pg_schema(writer_db_); !migrated) return sdk::Status::failure(migrated.error());
    if (auto status = reader_db_.open(); !status) return status;
    writer_.start();
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void PgNotificationStore::close() { writer_.close(); }

void PgNotificationStore::insert(sdk::Notification notification, std::optional<sdk::ImageUpload> image,
                                 std::vector<std::string> channels, boost::asio::any_io_executor executor,
                                 InsertDone done, InsertCommitted committed) {
  auto stored = std::make_shared<sdk::Notification>(std::move(notification));
  auto image_bytes = image ? std::make_shared<std::string>(std::move(image->bytes)) : nullptr;
  if (image) stored->image_type = image->type;
  Write op;
  static_cast<StoreWriteAnswer&>(op) =
      notification_insert_answer(stored, std::move(executor), std::move(done), std::move(committed));
  op.notification = NewNotification{stored, std::move(image_bytes), std::move(channels)};
  writer_.push(std::move(op));
}

void PgNotificationStore::update_delivery(std::uint64_t id, std::string channel, DeliveryState state,
                                          std::uint32_t attempts, std::string error, std::string attempt_outcome) {
  Write op;
  op.what = "record delivery of notification " + std::to_string(id);
  op.delivery = DeliveryChange{id,    std::move(channel),         state, attempts, std::move(error),
                               std::move(attempt_outcome), sdk::now_epoch_ms()};
  writer_.push(std::move(op));
}

sdk::Result<PgStatement> PgNotificationStore::insert_statement(std::vector<Write>& batch) {
  using R = sdk::Result<PgStatement>;
  const auto created_at_ms = sdk::now_epoch_ms();
  std::vector<std::string> users, titles, messages, formats, sources, data, image_types, priorities, tags,
      delivery_notifications, delivery_channels;
  std::vector<std::optional<std::string_view>> images;
  for (auto& op : batch) {
    if (!op.notification) continue;
    auto& n = *op.notification->stored;
    n.created_at_ms = created_at_ms;
    // The id is drawn by the statement itself, so the copy of the image is
    // written under a provisional name first and renamed once the id is known.
    if (const auto& bytes = op.notification->image_bytes) {
      std::error_code ignored;
      if (!n.image_path.empty()) std::filesystem::remove(n.image_path, ignored);  // from a failed try
      n.image_path = (image_dir_ / ("incoming-" + std::to_string(++incoming_images_) + "." +
                                    std::string(sdk::file_extension(*n.image_type))))
                         .string();
      if (auto written = write_file_atomically(n.image_path, *bytes, files_); !written) {
        n.image_path.clear();
        return R::failure(written.message);
      }
    }
    for (const auto& channel : op.notification->channels) {
      delivery_notifications.push_back(std::to_string(users.size() + 1));
      delivery_channels.push_back(channel);
    }
    users.push_back(n.user);
    titles.push_back(n.title);
    messages.push_back(n.message);
    formats.push_back(std::to_string(static_cast<int>(n.format)));
    sources.push_back(n.source);
    data.push_back(n.data_json);
    image_types.emplace_back(n.image_type ? sdk::file_extension(*n.image_type) : std::string_view{});
    priorities.push_back(std::to_string(static_cast<int>(n.priority)));
    tags.push_back(stored_tags_text(n.tags));
    images.push_back(op.notification->image_bytes ? std::optional<std::string_view>(*op.notification->image_bytes)
                                                  : std::nullopt);
  }
  // Under the id lock the batch draws its transaction id and its ids, which
  // are consecutive: the i-th notification (from 1) is base + i - 1. The
  // rows are written after the lock is given back.
  PgStatement statement{
      "WITH locked AS MATERIALIZED (SELECT pg_advisory_lock(" + std::string(id_lock) + ")), "
      "base AS MATERIALIZED (SELECT setval('notification_ids', nextval('notification_ids') + $1 - 1) - $1 + 1 "
      "AS id, pg_current_xact_id() AS xid FROM locked), "
      "n AS (INSERT INTO notifications(id, user_name, title, message, format, source, data, image_type, image, "
      "created_at, priority, tags) SELECT base.id + i.ord - 1, i.user_name, i.title, i.message, i.format, i.source, "
      "i.data, i.image_type, i.image, $10, i.priority, ARRAY(SELECT t.tag FROM jsonb_array_elements_text("
      "i.tags::jsonb) WITH ORDINALITY AS t(tag, ord) ORDER BY t.ord) FROM base, unnest($2::text[], $3::text[], "
      "$4::text[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::bytea[], $13::smallint[], $14::text[]) "
      "WITH ORDINALITY AS i(user_name, title, message, format, source, "
      "data, image_type, image, priority, tags, ord)), "
      "d AS (INSERT INTO deliveries(notification_id, channel, state, attempts, last_error, updated_at) "
      "SELECT base.id + c.ord - 1, c.channel, 'pending', 0, '', $10 FROM base, unnest($11::bigint[], $12::text[]) "
      "AS c(ord, channel)) ",
      {std::to_string(users.size()), pg_array_literal(users), pg_array_literal(titles), pg_array_literal(messages),
       pg_array_literal(formats), pg_array_literal(sources), pg_array_literal(data), pg_array_literal(image_types),
       PgParam::bytes(pg_binary_array(pg_bytea_oid, images)), std::to_string(created_at_ms),
       pg_array_literal(delivery_notifications), pg_array_literal(delivery_channels), pg_array_literal(priorities),
       pg_array_literal(tags)}};
  if (!ring_in_commit_) {
    statement.sql += "SELECT id, pg_advisory_unlock(" + std::string(id_lock) + ") FROM base";
    return statement;
  }
  // Each notification's own ring, its note completed with its id; then the
  // batch's doorbell, whose note is the highest id committed, as the bus's
  // own rings say it.
  statement.sql +=
      ", stored AS (SELECT pg_notify($15, $17 || (base.id + r.ord - 1) || r.rest) FROM base, unnest($18::text[]) "
      "WITH ORDINALITY AS r(rest, ord)) "
      "SELECT id, (SELECT count(*) FROM stored), pg_notify($15, $16 || (id + $1 - 1)), "
      "pg_advisory_unlock(" + std::string(id_lock) + ") FROM base";
  std::vector<std::string> rests;
  for (const auto& op : batch) {
    if (op.notification) rests.push_back(stored_note_after_id(*op.notification));
  }
  statement.params.emplace_back(std::string(PgBus::channel));
  statement.params.emplace_back(PgBus::payload(sdk::notifications_committed_topic, ""));
  statement.params.emplace_back(PgBus::payload(sdk::notification_stored_topic, stored_note_id_key));
  statement.params.emplace_back(pg_array_literal(rests));
  return statement;
}

std::string PgNotificationStore::stored_note_after_id(const NewNotification& notification) {
  const auto& n = *notification.stored;
  if (n.image_type) return "}";
  sdk::HistoryEntry entry{n, {}, {}};
  entry.notification.id = 0;
  entry.notification.data_json.clear();
  for (const auto& channel : notification.channels) {
    entry.deliveries.push_back({channel, "pending", 0, "", n.created_at_ms});
  }
  const auto json = sdk::api::to_json(entry);
  const std::string start = std::string(stored_note_id_key) + "0";
  const auto room = PgBus::max_payload_bytes - PgBus::payload(sdk::notification_stored_topic, stored_note_id_key).size() -
                    longest_id;
  if (!json.starts_with(start) || json.size() - start.size() > room) return "}";
  return json.substr(start.size());
}

void PgNotificationStore::number_notifications(std::vector<Write>& batch, std::uint64_t first) {
  auto id = first;
  for (auto& op : batch) {
    if (!op.notification) continue;
    auto& n = *op.notification->stored;
    n.id = id++;
    if (n.image_path.empty()) continue;
    const auto path = stored_image_file(image_dir_, n.id, *n.image_type);
    std::error_code ec;
    std::filesystem::rename(n.image_path, path, ec);
    if (ec) {
      log_.warn("cannot name the copy of the image of notification ", n.id, " ", path.string(), ": ", ec.message());
      continue;
    }
    n.image_path = path.string();
  }
}

PgStatement PgNotificationStore::delivery_statement(const std::vector<Write>& batch) {
  // One update per delivery: changes apply in order while the delivery is
  // pending, so the first change out of pending wins, else the last one.
  std::map<std::pair<std::uint64_t, std::string>, const DeliveryChange*> final_change;
  std::vector<std::string> attempt_ids, attempt_channels, attempt_times, attempt_outcomes, attempt_errors;
  for (const auto& op : batch) {
    if (!op.delivery) continue;
    const auto& change = *op.delivery;
    auto& chosen = final_change[{change.id, change.channel}];
    if (!chosen || chosen->state == DeliveryState::pending) chosen = &change;
    if (change.outcome.empty()) continue;
    attempt_ids.push_back(std::to_string(change.id));
    attempt_channels.push_back(change.channel);
    attempt_times.push_back(std::to_string(change.at_ms));
    attempt_outcomes.push_back(change.outcome);
    attempt_errors.push_back(change.error);
  }
  std::vector<std::string> ids, channels, states, attempts, errors, times;
  for (const auto& [key, change] : final_change) {
    ids.push_back(std::to_string(change->id));
    channels.push_back(change->channel);
    states.emplace_back(delivery_state_name(change->state));
    attempts.push_back(std::to_string(change->attempts));
    errors.push_back(change->error);
    times.push_back(std::to_string(change->at_ms));
  }
  return {"WITH u AS (UPDATE deliveries d SET state = c.state, attempts = c.attempts, last_error = c.error, "
          "updated_at = c.at FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], "
          "$6::bigint[]) AS c(id, channel, state, attempts, error, at) "
          "WHERE d.notification_id = c.id AND d.channel = c.channel AND d.state = 'pending') "
          "INSERT INTO attempts(notification_id, channel, at, outcome, error) "
          "SELECT * FROM unnest($7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[])",
          {pg_array_literal(ids), pg_array_literal(channels), pg_array_literal(states), pg_array_literal(attempts),
           pg_array_literal(errors), pg_array_literal(times), pg_array_literal(attempt_ids),
           pg_array_literal(attempt_channels), pg_array_literal(attempt_times), pg_array_literal(attempt_outcomes),
           pg_array_literal(attempt_errors)}};
}

void PgNotificationStore::after_queued_writes(boost::asio::any_io_executor executor, std::function<void()> done) {
  Write op;
  op.executor = std::move(executor);
  op.done = [done = std::move(done)](sdk::Status) { done(); };
  writer_.push(std::move(op));
}

sdk::Result<std::uint64_t> PgNotificationStore::next_run_id() {
  using R = sdk::Result<std::uint64_t>;
  std::lock_guard lock(reader_mutex_);
  if (spare_run_ids_.empty()) {
    // A few at a time: fewer round trips, and checks still start through a short outage.
    auto ids = reader_db_.exec("SELECT nextval('run_ids') FROM generate_series(1, $1)",
                               {std::to_string(run_ids_per_draw)});
    if (!ids) return R::failure("cannot draw a run id: " + ids.error());
    for (const auto& row : ids.value().rows) spare_run_ids_.push_back(static_cast<std::uint64_t>(integer(row, 0)));
    std::sort(spare_run_ids_.begin(), spare_run_ids_.end());
  }
  const auto id = spare_run_ids_.front();
  spare_run_ids_.pop_front();
  return id;
}

void PgNotificationStore::insert_run(sdk::RunRecord run, std::uint32_t keep_per_check,
                                     boost::asio::any_io_executor executor, std::function<void(sdk::Status)> done) {
  Write op;
  op.executor = std::move(executor);
  op.apply = [run = std::move(run), keep_per_check](std::vector<PgStatement>& statements) {
    statements.push_back(
        {"INSERT INTO runs(" + std::string(run_columns) + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
         {std::to_string(run.id), run.user, run.check, run.trigger, std::to_string(run.started_at_ms),
          std::to_string(run.duration_ms), run.exit_code ? std::optional(std::to_string(*run.exit_code)) : std::nullopt,
          run.outcome, run.detail, run.stderr_tail, std::to_string(run.notification_id)}});
    statements.push_back(
        {"DELETE FROM runs WHERE user_name = $1 AND check_name = $2 AND id <= (SELECT id FROM runs WHERE user_name = $1 "
         "AND check_name = $2 ORDER BY id DESC LIMIT 1 OFFSET $3)",
         {run.user, run.check, std::to_string(std::max(keep_per_check, 1u))}});
    return sdk::Status::success();
  };
  op.done = std::move(done);
  op.what = "store a check run";
  writer_.push(std::move(op));
}

sdk::Result<std::vector<sdk::RunRecord>> PgNotificationStore::runs(std::string_view user, std::string_view check,
                                                                   std::uint32_t limit) const {
  using R = sdk::Result<std::vector<sdk::RunRecord>>;
  std::string sql = "SELECT " + std::string(run_columns) + " FROM runs WHERE user_name = $1";
  std::vector<PgParam> params{std::string(user)};
  if (!check.empty()) {
    sql += " AND check_name = $3";
  }
  sql += " ORDER BY id DESC LIMIT $2";
  params.emplace_back(std::to_string(std::clamp<std::uint32_t>(limit, 1, 500)));
  if (!check.empty()) params.emplace_back(std::string(check));
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_db_.exec(sql, params);
  if (!rows) return R::failure(rows.error());
  return read_runs(rows.value());
}

sdk::Result<std::vector<sdk::RunRecord>> PgNotificationStore::latest_runs() const {
  using R = sdk::Result<std::vector<sdk::RunRecord>>;
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_db_.exec("SELECT " + std::string(run_columns) +
                              " FROM runs WHERE id IN (SELECT max(id) FROM runs GROUP BY user_name, check_name)");
  if (!rows) return R::failure(rows.error());
  return read_runs(rows.value());
}

void PgNotificationStore::prune(std::int64_t created_before_ms, std::uint64_t keep_count,
                                boost::asio::any_io_executor executor, std::function<void(std::size_t)> done) {
  auto removed = std::make_shared<PgRows>();
  Write op;
  op.executor = std::move(executor);
  op.apply = [created_before_ms, keep_count](std::vector<PgStatement>& statements) {
    statements.push_back(
        {"WITH n AS (DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE (created_at < $1 OR "
         "id <= (SELECT coalesce(max(id), 0) FROM notifications) - $2) AND NOT EXISTS (SELECT 1 FROM deliveries d "
         "WHERE d.notification_id = notifications.id AND d.state = 'pending') LIMIT 5000) RETURNING id, image_type), "
         "d AS (DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM n)), "
         "a AS (DELETE FROM attempts WHERE notification_id IN (SELECT id FROM n)) "
         "SELECT id, image_type FROM n",
         {std::to_string(created_before_ms), std::to_string(keep_count)}});
    statements.push_back({"DELETE FROM runs WHERE started_at < $1", {std::to_string(created_before_ms)}});
    return sdk::Status::success();
  };
  op.answered = [removed](std::vector<PgRows>& answers) { *removed = std::move(answers.front()); };
  op.done = [this, removed, done = std::move(done)](sdk::Status status) {
    if (status) {
      for (const auto& row : removed->rows) {
        const auto type = sdk::image_type_from_name(text(row, 1));
        if (!type) continue;
        std::error_code ignored;
        std::filesystem::remove(stored_image_file(image_dir_, static_cast<std::uint64_t>(integer(row, 0)), *type), ignored);
      }
    }
    if (done) done(status ? removed->rows.size() : 0);
  };
  op.what = "remove old notifications";
  writer_.push(std::move(op));
}

BatchOutcome PgNotificationStore::commit_batch(std::vector<Write>& batch) {
  const auto failed = [this](std::string why) {
    writer_db_.exec("ROLLBACK");
    writer_db_.exec("SELECT pg_advisory_unlock_all()");  // the id lock, if the batch failed holding it
    return BatchOutcome{sdk::Status::failure(std::move(why)), true};
  };
  // The whole batch is one round trip: its statements and the COMMIT go out together.
  std::vector<PgStatement> statements{{"BEGIN", {}}};
  std::optional<std::size_t> insert_at;
  if (std::any_of(batch.begin(), batch.end(), [](const Write& op) { return op.notification.has_value(); })) {
    auto insert = insert_statement(batch);
    if (!insert) return failed(insert.error());
    insert_at = statements.size();
    statements.push_back(std::move(insert).value());
  }
  if (std::any_of(batch.begin(), batch.end(), [](const Write& op) { return op.delivery.has_value(); })) {
    statements.push_back(delivery_statement(batch));
  }
  std::vector<std::pair<std::size_t, std::size_t>> own_statements(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].apply) continue;
    own_statements[i].first = statements.size();
    if (auto applied = batch[i].apply(statements); !applied) return failed(applied.message);
    own_statements[i].second = statements.size();
  }
  std::vector<PgRows> answers;
  if (test_hook_before_commit_) {
    auto applied = writer_db_.exec_pipelined(statements);
    if (!applied) return failed(applied.error());
    answers = std::move(applied).value();
    test_hook_before_commit_();
    statements = {{"COMMIT", {}}};
  } else {
    statements.push_back({"COMMIT", {}});
  }
  auto committed = writer_db_.exec_pipelined(statements);
  if (!committed) return failed(committed.error());
  if (!test_hook_before_commit_) answers = std::move(committed).value();
  if (insert_at) number_notifications(batch, static_cast<std::uint64_t>(integer(answers.at(*insert_at).rows.at(0), 0)));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].answered) continue;
    const auto [begin, end] = own_statements[i];
    std::vector<PgRows> own(std::make_move_iterator(answers.begin() + static_cast<std::ptrdiff_t>(begin)),
                            std::make_move_iterator(answers.begin() + static_cast<std::ptrdiff_t>(end)));
    batch[i].answered(own);
  }
  StoreWriter<Write>::post_committed(batch);
  return {sdk::Status::success(), false};
}

sdk::Notification PgNotificationStore::read_notification(const Row& row) const {
  sdk::Notification n;
  n.id = static_cast<std::uint64_t>(integer(row, 0));
  n.user = text(row, 1);
  n.title = text(row, 2);
  n.message = text(row, 3);
  n.format = static_cast<sdk::TextFormat>(integer(row, 4));
  n.source = text(row, 5);
  n.data_json = text(row, 6);
  n.image_type = sdk::image_type_from_name(text(row, 7));
  n.created_at_ms = integer(row, 8);
  n.priority = sdk::priority_from_number(integer(row, 9)).value_or(sdk::default_priority);
  n.tags = tags_from_stored_text(text(row, 10));
  if (n.image_type) {
    const auto path = stored_image_file(image_dir_, n.id, *n.image_type);
    n.image_path = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      auto image = reader_db_.exec("SELECT image FROM notifications WHERE id = $1", {std::to_string(n.id)}, true);
      if (image && !image.value().rows.empty() && image.value().rows[0].at(0)) {
        if (auto written = write_file_atomically(path, *image.value().rows[0][0], files_); !written) {
          log_.warn("cannot keep a copy of the image of notification ", n.id, ": ", written.message);
        }
      } else {
        log_.warn("the image of notification ", n.id, " is not in the store");
      }
    }
  }
  return n;
}

sdk::Result<std::vector<PendingDelivery>> PgNotificationStore::pending(std::string_view channel,
                                                                       std::uint64_t after_id,
                                                                       std::size_t limit) const {
  using R = sdk::Result<std::vector<PendingDelivery>>;
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_db_.exec("SELECT " + std::string(notification_columns) +
                                  ", d.attempts FROM deliveries d JOIN notifications n ON n.id = d.notification_id "
                                  "WHERE d.channel = $1 AND d.state = 'pending' AND d.notification_id > $2 "
                                  "AND d.notification_id < " + settled_below("$2") + " ORDER BY d.notification_id LIMIT $3",
                              {std::string(channel), std::to_string(after_id), std::to_string(limit)});
  if (!rows) return R::failure(rows.error());
  std::vector<PendingDelivery> out;
  for (const auto& row : rows.value().rows) {
    out.push_back({std::make_shared<const sdk::Notification>(read_notification(row)),
                   static_cast<std::uint32_t>(integer(row, notification_column_count))});
  }
  return out;
}

sdk::Result<std::uint64_t> PgNotificationStore::count_pending(std::string_view channel) const {
  using R = sdk::Result<std::uint64_t>;
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_db_.exec("SELECT count(*) FROM deliveries WHERE channel = $1 AND state = 'pending'",
                              {std::string(channel)});
  if (!rows) return R::failure(rows.error());
  return static_cast<std::uint64_t>(integer(rows.value().rows.at(0), 0));
}

sdk::Result<std::int64_t> PgNotificationStore::last_created_ms(std::string_view user, std::string_view source) const {
  using R = sdk::Result<std::int64_t>;
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_db_.exec(
      "SELECT created_at FROM notifications WHERE user_name = $1 AND source = $2 ORDER BY id DESC LIMIT 1",
      {std::string(user), std::string(source)});
  if (!rows) return R::failure(rows.error());
  return rows.value().rows.empty() ? std::int64_t{0} : static_cast<std::int64_t>(integer(rows.value().rows.at(0), 0));
}

sdk::Result<std::vector<sdk::HistoryEntry>> PgNotificationStore::read_entries(
    const std::string& selection, const std::vector<PgParam>& params) const {
  using R = sdk::Result<std::vector<sdk::HistoryEntry>>;
  // One statement, one snapshot: each notification with its attempts and
  // deliveries as JSON arrays, each looked up in its index.
  auto rows = reader_db_.exec(
      "SELECT " + std::string(notification_columns) +
          ", (SELECT json_agg(json_build_object('c', a.channel, 'at', a.at, 'o', a.outcome, 'e', a.error) "
          "ORDER BY a.at, a.ctid) FROM attempts a WHERE a.notification_id = n.id), "
          "(SELECT json_agg(json_build_object('c', d.channel, 's', d.state, 'n', d.attempts, 'e', d.last_error, "
          "'at', d.updated_at) ORDER BY d.channel) FROM deliveries d WHERE d.notification_id = n.id) "
          "FROM notifications n " + selection,
      params);
  if (!rows) return R::failure(rows.error());
  std::vector<sdk::HistoryEntry> entries;
  rapidjson::Document attempts, deliveries;
  const auto parse = [](const Row& row, std::size_t column, rapidjson::Document& into) {
    if (!row.at(column)) return sdk::Status::success();  // none
    if (auto parsed = sdk::parse_json(*row.at(column), into); !parsed) return parsed;
    return into.IsArray() ? sdk::Status::success() : sdk::Status::failure("not an array");
  };
  for (const auto& row : rows.value().rows) {
    auto& entry = entries.emplace_back(sdk::HistoryEntry{read_notification(row), {}, {}});
    constexpr auto attempts_column = notification_column_count, deliveries_column = notification_column_count + 1;
    auto parsed_attempts = parse(row, attempts_column, attempts);
    auto parsed_deliveries = parse(row, deliveries_column, deliveries);
    if (!parsed_attempts || !parsed_deliveries) {
      return R::failure("cannot read the deliveries of notification " + std::to_string(entry.notification.id) + ": " +
                        (parsed_attempts ? parsed_deliveries : parsed_attempts).message);
    }
    if (row.at(attempts_column)) {
      for (const auto& a : attempts.GetArray()) {
        entry.attempts.push_back({sdk::json_string(a, "c").value_or(""), sdk::json_int64(a, "at").value_or(0),
                                  sdk::json_string(a, "o").value_or(""), sdk::json_string(a, "e").value_or("")});
      }
    }
    if (row.at(deliveries_column)) {
      for (const auto& d : deliveries.GetArray()) {
        add_delivery(entry, {sdk::json_string(d, "c").value_or(""), sdk::json_string(d, "s").value_or(""),
                             static_cast<std::uint32_t>(sdk::json_int64(d, "n").value_or(0)),
                             sdk::json_string(d, "e").value_or(""), sdk::json_int64(d, "at").value_or(0)});
      }
    }
  }
  return entries;
}

sdk::Result<std::vector<sdk::HistoryEntry>> PgNotificationStore::history(const sdk::HistoryQuery& query) const {
  std::vector<PgParam> params{std::to_string(query.after_id)};
  std::string selection = "WHERE n.id > $1 AND n.id < " + settled_below("$1");
  // The server cannot type a parameter the statement does not use: number only those it does.
  const auto add = [&](std::string condition, std::string value) {
    params.emplace_back(std::move(value));
    selection += condition + "$" + std::to_string(params.size());
  };
  if (!query.user.empty()) add(" AND n.user_name = ", query.user);
  if (query.before_id > 0) add(" AND n.id < ", std::to_string(query.before_id));
  if (query.min_priority) add(" AND n.priority >= ", std::to_string(static_cast<int>(*query.min_priority)));
  if (!query.tag.empty()) {
    add(" AND n.tags @> ARRAY[", query.tag);
    selection += "::text]";
  }
  selection += query.after_id > 0 ? " ORDER BY n.id ASC" : " ORDER BY n.id DESC";
  add(" LIMIT ", std::to_string(std::clamp<std::uint32_t>(query.limit, 1, 500)));
  std::lock_guard lock(reader_mutex_);
  return read_entries(selection, params);
}

sdk::Result<sdk::HistoryEntry> PgNotificationStore::find(std::uint64_t id) const {
  using R = sdk::Result<sdk::HistoryEntry>;
  std::lock_guard lock(reader_mutex_);
  auto entries = read_entries("WHERE n.id = $1", {std::to_string(id)});
  if (!entries) return R::failure(entries.error());
  if (entries.value().empty()) return R::failure("no notification " + std::to_string(id));
  return std::move(entries.value().front());
}

std::vector<sdk::EngineConnection> PgNotificationStore::connections() const {
  return {writer_db_.state("store-writer"), reader_db_.state("store-reader")};
}

}  // namespace notifyd::core
