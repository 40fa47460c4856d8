#include "cluster_migration.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <set>

#include "atomic_file.hpp"
#include "file_document_store.hpp"
#include "pg_schema.hpp"
#include "sqlite_notification_store.hpp"
#include "local_coordination.hpp"
#include "store_lock.hpp"

namespace notifyd::core {
namespace {

namespace fs = std::filesystem;
using Counts = sdk::Result<MigrationCounts>;

// The single-node store's own files at the top of the data directory.
const std::set<std::string, std::less<>> store_files{"notifyd.db", "notifyd.db-wal", "notifyd.db-shm",
                                                      "notifyd.db-journal"};
constexpr std::string_view image_dir_name = "images";

bool is_leftover(const std::string& file_name) {
  static const std::regex temp_file(R"(\..+\.tmp[0-9]+)");
  return file_name.ends_with(".lock") || std::regex_match(file_name, temp_file);
}

sdk::Result<std::string> read_document(const fs::path& path, const std::string& name) {
  using R = sdk::Result<std::string>;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return R::failure("cannot read " + path.string() + ": " + ec.message());
  if (size > FileDocumentStore::max_document_bytes) return R::failure("the document " + name + " is larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return R::failure("cannot read " + path.string());
  return content;
}

// A document name from the database that may become a file of the data directory.
sdk::Status check_document_name(const std::string& name) {
  const fs::path relative(name);
  bool inside = !name.empty() && relative.is_relative();
  for (const auto& part : relative) inside = inside && part != ".." && part != "." && !part.empty();
  if (!inside) return sdk::Status::failure("the document name \"" + name + "\" is not a path inside a data directory");
  const std::string first = relative.begin()->string();
  if (store_files.contains(name) || first == image_dir_name || is_leftover(relative.filename().string())) {
    return sdk::Status::failure("the document name \"" + name + "\" is a name the store keeps for itself");
  }
  return sdk::Status::success();
}

sdk::Status exec_all(PgSession& db, std::initializer_list<std::string_view> statements) {
  for (const auto statement : statements) {
    if (auto done = db.exec(std::string(statement)); !done) return sdk::Status::failure(done.error());
  }
  return sdk::Status::success();
}

sdk::Status refuse_or_clear(PgSession& db, bool replace) {
  auto held = db.exec(
      "SELECT (SELECT count(*) FROM notifications), (SELECT count(*) FROM runs), "
      "(SELECT count(*) FROM documents WHERE content IS NOT NULL)");
  if (!held) return sdk::Status::failure("cannot look into the database: " + held.error());
  const auto& row = held.value().rows.at(0);
  const auto notifications = row.at(0).value_or("0"), runs = row.at(1).value_or("0"), documents = row.at(2).value_or("0");
  if (notifications == "0" && runs == "0" && documents == "0") return sdk::Status::success();
  if (!replace) {
    return sdk::Status::failure("the database already holds " + notifications + " notifications, " + runs +
                                " runs and " + documents +
                                " documents: import into an empty database, or give --replace to delete them first");
  }
  if (auto cleared = exec_all(db, {"TRUNCATE attempts, deliveries, notifications, runs, documents"}); !cleared) {
    return sdk::Status::failure("cannot delete what the database held: " + cleared.message);
  }
  return sdk::Status::success();
}

sdk::Status import_documents(const fs::path& data_dir, const std::vector<std::string>& names, PgSession& db,
                             MigrationCounts& counts) {
  if (auto locked = db.exec("SELECT pg_advisory_xact_lock(" + std::string(pg_documents_lock) + ")"); !locked) {
    return sdk::Status::failure("cannot lock the documents: " + locked.error());
  }
  for (const auto& name : names) {
    auto content = read_document(data_dir / name, name);
    if (!content) return sdk::Status::failure(content.error());
    counts.document_bytes += content.value().size();
    // A name the database remembers as removed is taken over, with a new version.
    auto inserted = db.exec(
        "INSERT INTO documents(name, content, version) VALUES ($1, $2, nextval('document_versions')) "
        "ON CONFLICT (name) DO UPDATE SET content = excluded.content, version = excluded.version, "
        "changed_at = clock_timestamp()",
        {name, PgParam::bytes(std::move(content).value())});
    if (!inserted) return sdk::Status::failure("cannot copy the document " + name + ": " + inserted.error());
    counts.documents.push_back(name);
  }
  return sdk::Status::success();
}

sdk::Status export_documents(PgSession& db, const fs::path& target, const FilePermissions& files,
                             MigrationCounts& counts) {
  if (auto declared = db.exec("DECLARE document_copy NO SCROLL CURSOR FOR SELECT name, content FROM documents "
                              "WHERE content IS NOT NULL ORDER BY name");
      !declared) {
    return sdk::Status::failure("cannot read the documents: " + declared.error());
  }
  for (;;) {
    auto page = db.exec("FETCH FORWARD 100 FROM document_copy");
    if (!page) return sdk::Status::failure("cannot read the documents: " + page.error());
    if (page.value().rows.empty()) break;
    for (const auto& row : page.value().rows) {
      const std::string name = row.at(0).value_or("");
      if (auto valid = check_document_name(name); !valid) return valid;
      auto content = decode_pg_bytea(row.at(1).value_or(""));
      if (!content) return sdk::Status::failure("cannot read the document " + name + ": " + content.error());
      if (auto written = write_file_atomically(target / name, content.value(), files); !written) return written;
      counts.documents.push_back(name);
      counts.document_bytes += content.value().size();
    }
  }
  return sdk::Status::success();
}

// Writes the database's history and documents into the store just created in
// `target`, in one SQLite transaction and one snapshot of the database.
sdk::Status write_exported_store(PgSession& db, const fs::path& target, const FilePermissions& files,
                                 MigrationCounts& counts) {
  const std::string store_path = (target / "notifyd.db").string();
  SqliteDb store;
  if (auto opened = store.open(store_path, false); !opened) return opened;
  if (auto begun = store.exec("BEGIN IMMEDIATE"); !begun) return sdk::Status::failure(store_path + ": " + begun.message);
  if (auto begun = exec_all(db, {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}); !begun) return begun;
  auto copied = copy_store_to_sqlite(db, store, target / std::string(image_dir_name), files);
  if (!copied) return sdk::Status::failure(copied.error());
  counts.store = copied.value();
  if (auto written = export_documents(db, target, files, counts); !written) return written;
  if (auto committed = store.exec("COMMIT"); !committed) return sdk::Status::failure(store_path + ": " + committed.message);
  if (auto folded = store.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !folded) {
    return sdk::Status::failure(store_path + ": " + folded.message);
  }
  return sdk::Status::success();
}

// Empties a directory an export wrote into (and removes it when the export created it).
void clear_target(const fs::path& target, bool created) {
  std::error_code ec;
  if (created) {
    fs::remove_all(target, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(target, ec)) fs::remove_all(entry.path(), ec);
}

}  // namespace

sdk::Result<DataDirDocuments> list_data_dir_documents(const fs::path& data_dir) {
  using R = sdk::Result<DataDirDocuments>;
  DataDirDocuments found;
  std::error_code ec;
  fs::recursive_directory_iterator walk(data_dir, ec);
  if (ec) return R::failure("cannot read " + data_dir.string() + ": " + ec.message());
  for (; walk != fs::recursive_directory_iterator(); walk.increment(ec)) {
    if (ec) return R::failure("cannot read " + data_dir.string() + ": " + ec.message());
    const auto& entry = *walk;
    const std::string name = entry.path().lexically_relative(data_dir).string();
    const std::string file_name = entry.path().filename().string();
    const bool top = walk.depth() == 0;
    const auto status = entry.symlink_status(ec);
    if (ec) return R::failure("cannot read " + entry.path().string() + ": " + ec.message());
    if (fs::is_symlink(status)) {
      found.skipped.push_back(name + " (a symbolic link)");
    } else if (fs::is_directory(status)) {
      if (top && file_name == image_dir_name) walk.disable_recursion_pending();
    } else if (!fs::is_regular_file(status)) {
      found.skipped.push_back(name + " (not a regular file)");
    } else if (!(top && (store_files.contains(file_name) || file_name == LocalCoordination::saved_keys_document)) &&
               !is_leftover(file_name)) {
      found.names.push_back(name);
    }
  }
  std::sort(found.names.begin(), found.names.end());
  return found;
}

sdk::Result<MigrationCounts> import_data_dir(const fs::path& data_dir, PgSession& db, bool replace) {
  try {
    std::error_code ec;
    if (!fs::is_directory(data_dir, ec)) return Counts::failure(data_dir.string() + " is not a directory");
    auto lock = StoreLock::take(data_dir);
    if (!lock) return Counts::failure(lock.error() + ": stop the notifyd that uses it first");
    auto documents = list_data_dir_documents(data_dir);
    if (!documents) return Counts::failure(documents.error());

    MigrationCounts counts;
    counts.skipped = documents.value().skipped;
    SqliteDb store;
    const fs::path store_path = data_dir / "notifyd.db";
    const bool has_store = fs::exists(store_path, ec);
    if (has_store) {
      if (auto opened = store.open(store_path.string(), true); !opened) return Counts::failure(opened.message);
      if (auto begun = store.exec("BEGIN"); !begun) return Counts::failure(store_path.string() + ": " + begun.message);
    }

    if (auto migrated = migrate_pg_schema(db); !migrated) return Counts::failure(migrated.error());
    if (auto begun = db.exec("BEGIN"); !begun) return Counts::failure(begun.error());
    const auto failed = [&](const std::string& why) {
      db.exec("ROLLBACK");
      return Counts::failure(why + " (nothing was copied)");
    };
    if (auto cleared = refuse_or_clear(db, replace); !cleared) {
      db.exec("ROLLBACK");
      return Counts::failure(cleared.message);
    }
    if (has_store) {
      auto copied = copy_store_to_postgres(store, data_dir / std::string(image_dir_name), db);
      if (!copied) return failed(copied.error());
      counts.store = copied.value();
    }
    if (auto copied = import_documents(data_dir, documents.value().names, db, counts); !copied) {
      return failed(copied.message);
    }
    if (auto committed = db.exec("COMMIT"); !committed) return failed(committed.error());
    return counts;
  } catch (const std::exception& e) {
    db.exec("ROLLBACK");
    return Counts::failure(std::string(e.what()) + " (nothing was copied)");
  }
}

sdk::Result<MigrationCounts> export_data_dir(PgSession& db, const fs::path& target_in, const FilePermissions& files,
                                             sdk::Logger& log) {
  const fs::path target = fs::absolute(target_in).lexically_normal();
  std::error_code ec;
  bool created = false;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) return Counts::failure(target.string() + " is not a directory");
    if (!fs::is_empty(target, ec)) return Counts::failure(target.string() + " is not empty: export into a new directory");
  } else {
    fs::create_directories(target, ec);
    if (ec) return Counts::failure("cannot create " + target.string() + ": " + ec.message());
    created = true;
  }
  const auto failed = [&](const std::string& why) {
    db.exec("ROLLBACK");
    clear_target(target, created);
    return Counts::failure(why + " (nothing was left in " + target.string() + ")");
  };
  try {
    auto version = read_pg_schema_version(db);
    if (!version) return failed(version.error());
    if (version.value() == 0) return failed("the database holds no notifyd data (it has no notifyd schema)");
    if (auto migrated = migrate_pg_schema(db); !migrated) return failed(migrated.error());
    {
      SqliteNotificationStore created_store(target, log, files);
      if (auto opened = created_store.open(); !opened) return failed(opened.message);
    }
    auto lock = StoreLock::take(target);
    if (!lock) return failed(lock.error());
    MigrationCounts counts;
    if (auto written = write_exported_store(db, target, files, counts); !written) return failed(written.message);
    db.exec("COMMIT");
    return counts;
  } catch (const std::exception& e) {
    return failed(e.what());
  }
}

}  // namespace notifyd::core
