#include "pg_schema.hpp"

#include <memory>
#include <optional>
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

struct Migration : std::enable_shared_from_this<Migration> {
  Migration(PgConnection& connection, std::chrono::milliseconds timeout, std::function<void(sdk::Result<int>)> done)
      : connection(connection), timeout(timeout), done(std::move(done)) {}

  PgConnection& connection;
  std::chrono::milliseconds timeout;
  std::function<void(sdk::Result<int>)> done;
  std::optional<PgError> error;

  // Runs `sql`, remembering the first error of the transaction.
  void step(std::string_view sql, PgParams params = {}) {
    connection.execute(std::string(sql), std::move(params), timeout,
                       [self = shared_from_this()](std::optional<PgError> failed, PgRows) {
                         if (failed && !self->error) self->error = std::move(failed);
                       });
  }
};

std::string describe(const PgError& error) {
  return error.sqlstate.empty() ? error.message : error.message + " (SQLSTATE " + error.sqlstate + ")";
}

}  // namespace

const std::vector<PgMigration>& pg_migrations() {
  static const std::vector<PgMigration> migrations{
      {1,
       {"CREATE SEQUENCE notification_ids", "CREATE SEQUENCE run_ids", notifications_v1,
        "CREATE INDEX notifications_by_user ON notifications(user_name, id)", deliveries_v1,
        "CREATE INDEX deliveries_pending ON deliveries(channel, notification_id) WHERE state = 'pending'", attempts_v1,
        "CREATE INDEX attempts_by_notification ON attempts(notification_id)", runs_v1,
        "CREATE INDEX runs_by_check ON runs(user_name, check_name, id)"}},
  };
  return migrations;
}

int pg_schema_version() { return pg_migrations().back().version; }

void migrate_pg_schema(PgConnection& connection, const std::vector<PgMigration>& migrations,
                       std::chrono::milliseconds timeout, std::function<void(sdk::Result<int>)> done) {
  auto migration = std::make_shared<Migration>(connection, timeout, std::move(done));
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  migration->step("BEGIN");
  migration->step("SELECT pg_advisory_xact_lock($1)", {std::string(migration_lock)});
  migration->step(
      "CREATE TABLE IF NOT EXISTS notifyd_schema(version integer PRIMARY KEY, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  connection.execute(
      "SELECT coalesce(max(version), 0) FROM notifyd_schema", {}, timeout,
      [migration, &migrations, newest](std::optional<PgError> failed, PgRows rows) {
        auto& m = *migration;
        if (failed && !m.error) m.error = std::move(failed);
        const auto give_up = [&](std::string message) {
          m.connection.execute("ROLLBACK", {}, m.timeout, [migration](auto, auto) {});
          m.done(sdk::Result<int>::failure(std::move(message)));
        };
        if (m.error) return give_up("cannot read the schema version: " + describe(*m.error));
        const int found = std::stoi(rows.rows.at(0).at(0).value_or("0"));
        if (found > newest) {
          return give_up("the database's notifyd schema is version " + std::to_string(found) +
                         ", newer than this notifyd's " + std::to_string(newest) + ": upgrade notifyd");
        }
        for (const auto& step : migrations) {
          if (step.version <= found) continue;
          for (const auto& statement : step.statements) m.step(statement);
          m.step("INSERT INTO notifyd_schema(version) VALUES ($1)", {std::to_string(step.version)});
        }
        m.connection.execute("COMMIT", {}, m.timeout, [migration, found](std::optional<PgError> failed, PgRows) {
          auto& m = *migration;
          if (failed && !m.error) m.error = std::move(failed);
          if (m.error) {
            m.done(sdk::Result<int>::failure("cannot migrate the notifyd schema: " + describe(*m.error)));
          } else {
            m.done(found);
          }
        });
      });
}

void read_pg_schema_version(PgConnection& connection, std::chrono::milliseconds timeout,
                            std::function<void(sdk::Result<int>)> done) {
  connection.execute("SELECT coalesce(max(version), 0) FROM notifyd_schema", {}, timeout,
                     [done = std::move(done)](std::optional<PgError> failed, PgRows rows) {
                       if (failed && failed->sqlstate == undefined_table) return done(0);
                       if (failed) {
                         return done(sdk::Result<int>::failure("cannot read the schema version: " + describe(*failed)));
                       }
                       done(std::stoi(rows.rows.at(0).at(0).value_or("0")));
                     });
}

}  // namespace notifyd::core
