#pragma once
// What `notifyctl cluster import` and `export` say they copied: text, or one
// JSON object for --json.

#include <string>

#include "cluster_migration.hpp"

namespace notifyctl {

/// Which way the data went.
enum class MigrationDirection { imported, exported };

/// "imported /var/lib/notifyd into PostgreSQL:" then one line per kind
/// (notifications with images, deliveries, attempts, runs, documents with
/// their names) and one per file that was not copied.
std::string migration_text(MigrationDirection direction, const std::string& data_dir,
                           const notifyd::core::MigrationCounts& counts);

/// `{"direction", "data_dir", "notifications", "images", "missing_images",
/// "deliveries", "attempts", "runs", "documents": [name], "document_bytes", "skipped": [text]}`.
std::string migration_json(MigrationDirection direction, const std::string& data_dir,
                           const notifyd::core::MigrationCounts& counts);

}  // namespace notifyctl
