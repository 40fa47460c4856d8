#pragma once
// The tables of the SQLite notification store, created and migrated by
// notifyd itself: numbered migrations applied in order inside one transaction,
// the version kept in the file's `PRAGMA user_version`. A store from before
// the numbering (user_version 0 with the tables present) is version 1.

#include <string_view>
#include <vector>

#include "notifyd/sdk/status.hpp"
#include "sqlite_db.hpp"

namespace notifyd::core {

/// One step of the schema: the statements that take version `version - 1` to `version`.
struct SqliteMigration {
  int version;
  std::vector<std::string_view> statements;
};

/// Every migration this notifyd knows, oldest first.
const std::vector<SqliteMigration>& sqlite_migrations();

/// The schema version this notifyd writes.
int sqlite_schema_version();

/// The schema version of `db`: 0 when it holds no notifyd tables.
sdk::Result<int> read_sqlite_schema_version(SqliteDb& db);

/// Brings `db` up to `migrations`' last version and answers the version it
/// found. A store whose version is newer is refused; a failed migration changes
/// nothing.
sdk::Result<int> migrate_sqlite_schema(SqliteDb& db,
                                       const std::vector<SqliteMigration>& migrations = sqlite_migrations());

}  // namespace notifyd::core
