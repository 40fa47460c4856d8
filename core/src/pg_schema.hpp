#pragma once
// The tables notifyd keeps in PostgreSQL, created and migrated by notifyd
// itself: numbered migrations, applied in order inside one transaction under
// an advisory lock (so replicas starting together migrate once), recorded in
// `notifyd_schema`.

#include <chrono>
#include <functional>
#include <string_view>
#include <vector>

#include "notifyd/sdk/status.hpp"
#include "pg_connection.hpp"

namespace notifyd::core {

/// One step of the schema: the statements that take version `version - 1` to `version`.
struct PgMigration {
  int version;
  std::vector<std::string_view> statements;
};

/// Every migration this notifyd knows, oldest first; the last one's version is
/// the schema version it needs.
const std::vector<PgMigration>& pg_migrations();

/// The schema version this notifyd needs.
int pg_schema_version();

/// Brings the database `connection` is connected to up to `migrations`'
/// last version, and answers the version it found before. A database whose
/// version is newer than the last migration is refused (an older notifyd
/// must not write a schema it does not know); nothing is changed then.
void migrate_pg_schema(PgConnection& connection, const std::vector<PgMigration>& migrations,
                       std::chrono::milliseconds timeout, std::function<void(sdk::Result<int>)> done);

/// The schema version of the database `connection` is connected to; 0 when
/// notifyd never created its tables there.
void read_pg_schema_version(PgConnection& connection, std::chrono::milliseconds timeout,
                            std::function<void(sdk::Result<int>)> done);

}  // namespace notifyd::core
