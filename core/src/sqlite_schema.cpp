#include "sqlite_schema.hpp"

#include <string>

namespace notifyd::core {
namespace {

// Version 1: the store as notifyd kept it before the versions were numbered.
constexpr std::string_view tables_v1 = R"sql(
CREATE TABLE IF NOT EXISTS notifications(
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  format INTEGER NOT NULL,
  source TEXT NOT NULL,
  data TEXT NOT NULL,
  image_path TEXT NOT NULL,
  image_type TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS notifications_by_user ON notifications(user, id);
CREATE TABLE IF NOT EXISTS deliveries(
  notification_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(notification_id, channel)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries(channel, notification_id) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS attempts(
  notification_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_notification ON attempts(notification_id);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  check_name TEXT NOT NULL,
  trigger TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  exit_code INTEGER,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  stderr TEXT NOT NULL,
  notification_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_check ON runs(user, check_name, id);
)sql";

sdk::Result<int> single_integer(SqliteDb& db, std::string_view sql) {
  auto select = db.prepare(sql);
  if (!select.step()) return sdk::Result<int>::failure(db.error());
  return static_cast<int>(select.integer(0));
}

}  // namespace

const std::vector<SqliteMigration>& sqlite_migrations() {
  static const std::vector<SqliteMigration> migrations{
      {1, {tables_v1}},
      // Version 2: a priority (1–5) and tags (a JSON array of strings) on every notification.
      {2,
       {"ALTER TABLE notifications ADD COLUMN priority INTEGER NOT NULL DEFAULT 3",
        "ALTER TABLE notifications ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'"}},
  };
  return migrations;
}

int sqlite_schema_version() { return sqlite_migrations().back().version; }

sdk::Result<int> read_sqlite_schema_version(SqliteDb& db) {
  using R = sdk::Result<int>;
  try {
    auto numbered = single_integer(db, "PRAGMA user_version");
    if (!numbered) return R::failure("cannot read the store's schema version: " + numbered.error());
    if (numbered.value() > 0) return numbered;
    auto tables =
        single_integer(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'notifications'");
    if (!tables) return R::failure("cannot read the store's schema version: " + tables.error());
    return tables.value() > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot read the store's schema version: ") + e.what());
  }
}

sdk::Result<int> migrate_sqlite_schema(SqliteDb& db, const std::vector<SqliteMigration>& migrations) {
  using R = sdk::Result<int>;
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) {
    return R::failure("cannot migrate the store's schema: " + begun.message);
  }
  const auto rollback = [&](std::string message) {
    db.exec("ROLLBACK");
    return R::failure(std::move(message));
  };
  const auto found = read_sqlite_schema_version(db);
  if (!found) return rollback(found.error());
  if (found.value() > newest) {
    return rollback("the store's schema is version " + std::to_string(found.value()) + ", newer than this notifyd's " +
                    std::to_string(newest) + ": upgrade notifyd");
  }
  for (const auto& step : migrations) {
    if (step.version <= found.value()) continue;
    for (const auto& statement : step.statements) {
      if (auto done = db.exec(statement); !done) return rollback("cannot migrate the store's schema: " + done.message);
    }
  }
  if (found.value() < newest) {
    if (auto done = db.exec("PRAGMA user_version = " + std::to_string(newest)); !done) {
      return rollback("cannot migrate the store's schema: " + done.message);
    }
  }
  if (auto done = db.exec("COMMIT"); !done) return rollback("cannot migrate the store's schema: " + done.message);
  return found;
}

}  // namespace notifyd::core
