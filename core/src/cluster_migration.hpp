#pragma once
// Moving a single node's data to the PostgreSQL database of a cluster and
// back (`notifyctl cluster import` / `export`): the notification store
// (store_copy.hpp) and the shared documents, the files plugins keep in the
// data directory (links, codes, bot state, cron state, cooldowns, desktop
// ledger, …), by their name relative to it, byte for byte.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "file_permissions.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/status.hpp"
#include "pg_session.hpp"
#include "store_copy.hpp"

namespace notifyd::core {

/// The documents of a data directory: every regular file under it except the
/// store (`notifyd.db` and its -wal, -shm, -journal), the `images` directory,
/// lock files (`*.lock`) and the temp files of interrupted writes
/// (`.NAME.tmpN`). Names are relative, sorted; what is neither a document
/// nor one of those (a symlink, a socket) is listed in `skipped`.
struct DataDirDocuments {
  std::vector<std::string> names;
  std::vector<std::string> skipped;
};

/// Lists the documents of `data_dir`.
sdk::Result<DataDirDocuments> list_data_dir_documents(const std::filesystem::path& data_dir);

/// What an import or an export copied.
struct MigrationCounts {
  StoreCopyCounts store;
  std::vector<std::string> documents;  ///< the names of the documents copied
  std::uint64_t document_bytes = 0;
  std::vector<std::string> skipped;  ///< files of the data directory that were not copied (import)
};

/// Copies `data_dir` into the database behind `db` in one transaction, after
/// migrating its schema: refused while another process (a daemon) holds the
/// data directory's StoreLock, and when the database already holds
/// notifications, runs or documents unless `replace` (then those are
/// deleted first). On failure nothing was copied.
sdk::Result<MigrationCounts> import_data_dir(const std::filesystem::path& data_dir, PgSession& db, bool replace);

/// Writes the database behind `db` into `target` (created; refused unless
/// missing or empty): a SQLite store as the daemon creates it, images, and
/// every document that exists, with `files` as the daemon gives its files.
/// Reads one snapshot of the database and changes nothing there (besides
/// migrating an older schema, as notifyd would). On failure `target` is left
/// empty. `log` gets the store's own lines.
sdk::Result<MigrationCounts> export_data_dir(PgSession& db, const std::filesystem::path& target,
                                             const FilePermissions& files, sdk::Logger& log);

}  // namespace notifyd::core
