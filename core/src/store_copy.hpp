#pragma once
// Copies the notification store between its two homes with ids, times and
// states unchanged: the SQLite file of a single node (images beside it) and
// the PostgreSQL database replicas share (images inside it). `notifyctl
// cluster import` and `export` use it. Each table's columns are named once,
// for both sides, and one reader and one writer per engine move every table.

#include <cstdint>
#include <filesystem>

#include "file_permissions.hpp"
#include "notifyd/sdk/status.hpp"
#include "pg_session.hpp"
#include "sqlite_db.hpp"

namespace notifyd::core {

/// What a copy moved.
struct StoreCopyCounts {
  std::uint64_t notifications = 0;
  std::uint64_t images = 0;          ///< notifications whose image was copied
  std::uint64_t missing_images = 0;  ///< notifications with an image type whose image was not found (copied without)
  std::uint64_t deliveries = 0;
  std::uint64_t attempts = 0;
  std::uint64_t runs = 0;
};

/// Inserts every row of the SQLite store `from` into `to`'s tables (which
/// must be empty) inside the transaction the caller opened on `to`, reading
/// images from their files (or `image_dir`, when the data directory was
/// moved), and sets the id sequences past the copied ids. A failure leaves
/// the transaction to be rolled back.
sdk::Result<StoreCopyCounts> copy_store_to_postgres(SqliteDb& from, const std::filesystem::path& image_dir,
                                                    PgSession& to);

/// Inserts every row of `from` (read in the caller's transaction) into the
/// empty SQLite store `to` (in the caller's transaction), writing each image
/// to `image_dir` with `permissions`.
sdk::Result<StoreCopyCounts> copy_store_to_sqlite(PgSession& from, SqliteDb& to, const std::filesystem::path& image_dir,
                                                  const FilePermissions& permissions);

/// The content of a bytea column as PostgreSQL writes it in text (`\x` and hex digits).
sdk::Result<std::string> decode_pg_bytea(std::string_view text);

}  // namespace notifyd::core
