#pragma once
// The tables notifyd keeps in PostgreSQL, created and migrated by notifyd
// itself: numbered migrations, applied in order inside one transaction under
// an advisory lock (so replicas starting together migrate once), recorded in
// `notifyd_schema`.

#include <string_view>
#include <vector>

#include "notifyd/sdk/status.hpp"
#include "pg_session.hpp"

namespace notifyd::core {

/// The documents lock: every writer of `documents` (notifyd, `notifyctl
/// cluster import`) takes `pg_advisory_xact_lock(<this>)` in its transaction
/// before `nextval('document_versions')`, so versions commit in order and a
/// watcher's cursor never passes one still uncommitted.
inline constexpr std::string_view pg_documents_lock = "1685021555";  // "docs" in ASCII

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

/// Brings `session`'s database up to `migrations`' last version, and
/// answers the version it found before. A database whose version is newer
/// than the last migration is refused (an older notifyd must not write a
/// schema it does not know); nothing is changed then, nor when a migration fails.
sdk::Result<int> migrate_pg_schema(PgSession& session, const std::vector<PgMigration>& migrations = pg_migrations());

/// The schema version of `session`'s database; 0 when notifyd never created its tables there.
sdk::Result<int> read_pg_schema_version(PgSession& session);

}  // namespace notifyd::core
