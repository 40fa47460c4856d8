#include "pg_schema.hpp"

#include <string>

namespace notifyd::core {
namespace {

// The advisory lock replicas take while migrating ("notifyd" in ASCII).
constexpr std::string_view migration_lock = "31084766697484644";
constexpr std::string_view undefined_table = "42P01";

// Version 1: the notification store, as SQLite keeps it (times in Unix
// milliseconds), with the images in the database so every replica serves them.
constexpr std::string_view notifications_v1 = R"sql(
CREATE TABLE notifications(
  id bigint PRIMARY KEY,
  user_name text NOT NULL,
  title text NOT NULL,
  message text NOT NULL,
  format smallint NOT NULL,
  source text NOT NULL,
  data text NOT NULL,
  image_type text NOT NULL,
  image bytea,
  created_at bigint NOT NULL))sql";
constexpr std::string_view deliveries_v1 = R"sql(
CREATE TABLE deliveries(
  notification_id bigint NOT NULL REFERENCES notifications ON DELETE CASCADE,
  channel text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL,
  last_error text NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY(notification_id, channel)))sql";
constexpr std::string_view attempts_v1 = R"sql(
CREATE TABLE attempts(
  notification_id bigint NOT NULL REFERENCES notifications ON DELETE CASCADE,
  channel text NOT NULL,
  at bigint NOT NULL,
  outcome text NOT NULL,
  error text NOT NULL))sql";
constexpr std::string_view runs_v1 = R"sql(
CREATE TABLE runs(
  id bigint PRIMARY KEY,
  user_name text NOT NULL,
  check_name text NOT NULL,
  trigger text NOT NULL,
  started_at bigint NOT NULL,
  duration_ms bigint NOT NULL,
  exit_code integer,
  outcome text NOT NULL,
  detail text NOT NULL,
  stderr text NOT NULL,
  notification_id bigint NOT NULL))sql";

// Version 2: what replicas coordinate with. A document's row stays when it
// is removed (content NULL) so a watcher's cursor sees the removal; every
// change draws a new version under the documents lock, so versions commit in
// order and a reader of `version > last` never skips one.
constexpr std::string_view documents_v2 = R"sql(
CREATE TABLE documents(
  name text PRIMARY KEY,
  content bytea,
  version bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp()))sql";
constexpr std::string_view ephemeral_v2 = R"sql(
CREATE TABLE ephemeral(
  key text PRIMARY KEY,
  value bytea NOT NULL,
  expires_at timestamptz NOT NULL))sql";
constexpr std::string_view counters_v2 = R"sql(
CREATE TABLE counters(
  key text NOT NULL,
  window_start bigint NOT NULL,
  total bigint NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY(key, window_start)))sql";
constexpr std::string_view leases_v2 = R"sql(
CREATE TABLE leases(
  name text PRIMARY KEY,
  holder text NOT NULL,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL))sql";

}  // namespace

const std::vector<PgMigration>& pg_migrations() {
  static const std::vector<PgMigration> migrations{
      {1,
       {"CREATE SEQUENCE notification_ids", "CREATE SEQUENCE run_ids", notifications_v1,
        "CREATE INDEX notifications_by_user ON notifications(user_name, id)", deliveries_v1,
        "CREATE INDEX deliveries_pending ON deliveries(channel, notification_id) WHERE state = 'pending'", attempts_v1,
        "CREATE INDEX attempts_by_notification ON attempts(notification_id)", runs_v1,
        "CREATE INDEX runs_by_check ON runs(user_name, check_name, id)"}},
      {2,
       {"CREATE SEQUENCE document_versions", documents_v2, "CREATE INDEX documents_by_version ON documents(version)",
        ephemeral_v2, "CREATE INDEX ephemeral_by_expiry ON ephemeral(expires_at)", counters_v2,
        "CREATE INDEX counters_by_expiry ON counters(expires_at)", leases_v2}},
      // Version 3: no foreign keys on deliveries and attempts. Their checks ran
      // a query per row, most of a batch's time; the store writes a
      // notification's rows in one statement and removes them in another.
      {3,
       {"ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_notification_id_fkey",
        "ALTER TABLE attempts DROP CONSTRAINT IF EXISTS attempts_notification_id_fkey"}},
      // Version 4: each notification names the transaction that wrote it.
      // Batches no longer hold the id lock through their commit; a reader
      // of `id > since` waits at missing ids only while their writer may
      // still be running (see PgNotificationStore). Rows from before have
      // none: their writers ended long ago.
      {4,
       {"ALTER TABLE notifications ADD COLUMN writer_xid xid8",
        "ALTER TABLE notifications ALTER COLUMN writer_xid SET DEFAULT pg_current_xact_id()",
        "CREATE INDEX notifications_by_writer ON notifications(writer_xid)"}},
      // Version 5: a priority (1–5) and tags on every notification; history
      // filters by tag through the GIN index.
      {5,
       {"ALTER TABLE notifications ADD COLUMN priority smallint NOT NULL DEFAULT 3",
        "ALTER TABLE notifications ADD COLUMN tags text[] NOT NULL DEFAULT '{}'",
        "CREATE INDEX notifications_by_tag ON notifications USING gin (tags)"}},
  };
  return migrations;
}

int pg_schema_version() { return pg_migrations().back().version; }

sdk::Result<int> migrate_pg_schema(PgSession& session, const std::vector<PgMigration>& migrations) {
  using R = sdk::Result<int>;
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  const auto rollback = [&](std::string message) {
    session.exec("ROLLBACK");
    return R::failure(std::move(message));
  };
  const std::string opening[] = {"BEGIN", "SELECT pg_advisory_xact_lock(" + std::string(migration_lock) + ")",
                                 "CREATE TABLE IF NOT EXISTS notifyd_schema(version integer PRIMARY KEY, "
                                 "applied_at timestamptz NOT NULL DEFAULT now())"};
  for (const auto& statement : opening) {
    if (auto done = session.exec(statement); !done) return rollback("cannot read the schema version: " + done.error());
  }
  auto current = session.exec("SELECT coalesce(max(version), 0) FROM notifyd_schema");
  if (!current) return rollback("cannot read the schema version: " + current.error());
  const int found = std::stoi(current.value().rows.at(0).at(0).value_or("0"));
  if (found > newest) {
    return rollback("the database's notifyd schema is version " + std::to_string(found) + ", newer than this notifyd's " +
                    std::to_string(newest) + ": upgrade notifyd");
  }
  for (const auto& step : migrations) {
    if (step.version <= found) continue;
    for (const auto& statement : step.statements) {
      if (auto done = session.exec(std::string(statement)); !done) {
        return rollback("cannot migrate the notifyd schema: " + done.error());
      }
    }
    if (auto done = session.exec("INSERT INTO notifyd_schema(version) VALUES ($1)", {std::to_string(step.version)});
        !done) {
      return rollback("cannot migrate the notifyd schema: " + done.error());
    }
  }
  if (auto done = session.exec("COMMIT"); !done) return rollback("cannot migrate the notifyd schema: " + done.error());
  return found;
}

sdk::Result<int> read_pg_schema_version(PgSession& session) {
  if (auto opened = session.open(); !opened) return sdk::Result<int>::failure(opened.message);
  auto current = session.exec("SELECT coalesce(max(version), 0) FROM notifyd_schema");
  if (!current) {
    if (current.error().ends_with("(SQLSTATE " + std::string(undefined_table) + ")")) return 0;
    return sdk::Result<int>::failure("cannot read the schema version: " + current.error());
  }
  return std::stoi(current.value().rows.at(0).at(0).value_or("0"));
}

}  // namespace notifyd::core
