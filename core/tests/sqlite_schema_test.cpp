#include <catch2/catch.hpp>

#include "log_sink.hpp"
#include "sqlite_notification_store.hpp"
#include "sqlite_schema.hpp"
#include "test_support.hpp"

using namespace notifyd;

namespace {

std::int64_t single_integer(core::SqliteDb& db, const std::string& sql) {
  auto select = db.prepare(sql);
  REQUIRE(select.step());
  return select.integer(0);
}

}  // namespace

TEST_CASE("sqlite schema: created on an empty file, then left alone") {
  test::TempDir dir;
  core::SqliteDb db;
  REQUIRE(db.open((dir.path() / "notifyd.db").string(), false).ok);
  CHECK(core::read_sqlite_schema_version(db).value() == 0);
  const auto first = core::migrate_sqlite_schema(db);
  REQUIRE(first.ok());
  CHECK(first.value() == 0);
  CHECK(core::read_sqlite_schema_version(db).value() == core::sqlite_schema_version());
  CHECK(single_integer(db, "PRAGMA user_version") == core::sqlite_schema_version());
  const auto again = core::migrate_sqlite_schema(db);
  REQUIRE(again.ok());
  CHECK(again.value() == core::sqlite_schema_version());
}

TEST_CASE("sqlite schema: a store from before priorities gains them, its notifications read as default and untagged") {
  test::TempDir dir;
  const std::string path = (dir.path() / "notifyd.db").string();
  {
    core::SqliteDb db;
    REQUIRE(db.open(path, false).ok);
    // The store as notifyd kept it before the versions were numbered: user_version 0.
    const std::vector<core::SqliteMigration> first_only{core::sqlite_migrations().front()};
    REQUIRE(core::migrate_sqlite_schema(db, first_only).ok());
    REQUIRE(db.exec("PRAGMA user_version = 0").ok);
    REQUIRE(db.exec("INSERT INTO notifications(id, user, title, message, format, source, data, image_path, image_type, "
                    "created_at) VALUES (7, 'alice', 't', 'from before', 1, 'disk', '', '', '', 1764583200000)")
                .ok);
    CHECK(core::read_sqlite_schema_version(db).value() == 1);
  }
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  core::SqliteNotificationStore store(dir.path(), log);
  REQUIRE(store.open().ok);
  const auto entry = store.find(7);
  REQUIRE(entry.ok());
  CHECK(entry.value().notification.message == "from before");
  CHECK(entry.value().notification.priority == sdk::default_priority);
  CHECK(entry.value().notification.tags.empty());
  store.close();

  core::SqliteDb db;
  REQUIRE(db.open(path, true).ok);
  CHECK(core::read_sqlite_schema_version(db).value() == core::sqlite_schema_version());
}

TEST_CASE("sqlite schema: a newer store is refused and a failed migration leaves nothing behind") {
  test::TempDir dir;
  core::SqliteDb db;
  REQUIRE(db.open((dir.path() / "notifyd.db").string(), false).ok);
  const std::vector<core::SqliteMigration> broken{{1, {"CREATE TABLE half_done(x int)"}},
                                                  {2, {"CREATE TABLE half_done(x int)"}}};
  const auto failed = core::migrate_sqlite_schema(db, broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error() == "cannot migrate the store's schema: table half_done already exists");
  CHECK(single_integer(db, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0);
  CHECK(single_integer(db, "PRAGMA user_version") == 0);

  REQUIRE(core::migrate_sqlite_schema(db).ok());
  REQUIRE(db.exec("PRAGMA user_version = 99").ok);
  const auto newer = core::migrate_sqlite_schema(db);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error() == "the store's schema is version 99, newer than this notifyd's " +
                             std::to_string(core::sqlite_schema_version()) + ": upgrade notifyd");
}
