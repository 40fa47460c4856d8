#include <catch2/catch.hpp>

#include <future>

#include "pg_schema.hpp"
#include "pg_test_support.hpp"

using namespace notifyd;
using test::Loop;
using test::TestDatabase;

namespace {

std::vector<std::optional<std::string>> column(core::PgSession& session, const std::string& sql) {
  auto answer = session.exec(sql);
  REQUIRE(answer.ok());
  std::vector<std::optional<std::string>> values;
  for (const auto& row : answer.value().rows) values.push_back(row.at(0));
  return values;
}

}  // namespace

TEST_CASE("postgres schema: created on an empty database, then left alone") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());

  CHECK(core::read_pg_schema_version(session).value() == 0);
  const auto first = core::migrate_pg_schema(session);
  REQUIRE(first.ok());
  CHECK(first.value() == 0);
  CHECK(core::read_pg_schema_version(session).value() == core::pg_schema_version());
  CHECK(column(session, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") ==
        std::vector<std::optional<std::string>>{"attempts", "counters", "deliveries", "documents", "ephemeral", "leases",
                                                "notifications", "notifyd_schema", "runs"});

  const auto again = core::migrate_pg_schema(session);
  REQUIRE(again.ok());
  CHECK(again.value() == core::pg_schema_version());
  CHECK(column(session, "SELECT count(*) FROM notifyd_schema") ==
        std::vector<std::optional<std::string>>{std::to_string(core::pg_schema_version())});
}

TEST_CASE("postgres schema: replicas migrating at once migrate once") {
  Loop loop;
  TestDatabase database(loop);
  std::vector<std::future<sdk::Result<int>>> migrated;
  for (int i = 0; i < 4; ++i) {
    migrated.push_back(std::async(std::launch::async, [dsn = database.dsn()] {
      core::PgSession session(dsn);
      return core::migrate_pg_schema(session);
    }));
  }
  int from_empty = 0;
  for (auto& future : migrated) {
    const auto found = future.get();
    REQUIRE(found.ok());
    if (found.value() == 0) ++from_empty;
  }
  CHECK(from_empty == 1);
  core::PgSession session(database.dsn());
  CHECK(core::read_pg_schema_version(session).value() == core::pg_schema_version());
}

TEST_CASE("postgres schema: a newer schema is refused and a failed migration leaves nothing behind") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());

  const std::vector<core::PgMigration> broken{{1, {"CREATE TABLE half_done(x int)"}},
                                              {2, {"CREATE TABLE half_done(x int)"}}};
  const auto failed = core::migrate_pg_schema(session, broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error() == "cannot migrate the notifyd schema: relation \"half_done\" already exists (SQLSTATE 42P07)");
  CHECK(core::read_pg_schema_version(session).value() == 0);
  CHECK(column(session, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'") ==
        std::vector<std::optional<std::string>>{"0"});

  REQUIRE(core::migrate_pg_schema(session).ok());
  REQUIRE(session.exec("INSERT INTO notifyd_schema(version) VALUES (99)").ok());
  const auto newer = core::migrate_pg_schema(session);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error() == "the database's notifyd schema is version 99, newer than this notifyd's " +
                             std::to_string(core::pg_schema_version()) + ": upgrade notifyd");
  CHECK(core::read_pg_schema_version(session).value() == 99);
}

TEST_CASE("postgres schema: a version 1 database gains the coordination tables, loses its foreign keys and keeps its "
          "notifications") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  const std::vector<core::PgMigration> first_only{core::pg_migrations().front()};
  REQUIRE(core::migrate_pg_schema(session, first_only).ok());
  REQUIRE(session.exec("INSERT INTO notifications(id, user_name, title, message, format, source, data, image_type, "
                       "created_at) VALUES (1, 'alice', '', 'hi', 0, 'test', '{}', '', 0)")
              .ok());

  const auto upgraded = core::migrate_pg_schema(session);
  REQUIRE(upgraded.ok());
  CHECK(upgraded.value() == 1);
  CHECK(core::read_pg_schema_version(session).value() == core::pg_schema_version());
  CHECK(column(session, "SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = "
                        "'FOREIGN KEY'") == std::vector<std::optional<std::string>>{"0"});
  CHECK(column(session, "SELECT message FROM notifications") == std::vector<std::optional<std::string>>{"hi"});
  CHECK(column(session, "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents' "
                        "ORDER BY ordinal_position") ==
        std::vector<std::optional<std::string>>{"name", "content", "version", "changed_at"});
  CHECK(column(session, "SELECT column_name FROM information_schema.columns WHERE table_name = 'leases' "
                        "ORDER BY ordinal_position") ==
        std::vector<std::optional<std::string>>{"name", "holder", "epoch", "expires_at"});
  CHECK(column(session, "SELECT nextval('document_versions')") == std::vector<std::optional<std::string>>{"1"});
}

TEST_CASE("postgres schema: a version 3 database gains writer transactions, priorities and tags; its notifications "
          "have no writer, default priority and no tags") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  const std::vector<core::PgMigration> up_to_3(core::pg_migrations().begin(), core::pg_migrations().begin() + 3);
  REQUIRE(up_to_3.back().version == 3);
  REQUIRE(core::migrate_pg_schema(session, up_to_3).ok());
  REQUIRE(session.exec("INSERT INTO notifications(id, user_name, title, message, format, source, data, image_type, "
                       "created_at) VALUES (1, 'alice', '', 'from before', 0, 'test', '', '', 0)")
              .ok());

  const auto upgraded = core::migrate_pg_schema(session);
  REQUIRE(upgraded.ok());
  CHECK(upgraded.value() == 3);
  CHECK(core::read_pg_schema_version(session).value() == core::pg_schema_version());
  CHECK(column(session, "SELECT priority || ' ' || array_to_json(tags)::text || ' ' || (writer_xid IS NULL) "
                        "FROM notifications") == std::vector<std::optional<std::string>>{"3 [] true"});
  CHECK(column(session, "SELECT indexname FROM pg_indexes WHERE tablename = 'notifications' ORDER BY 1") ==
        std::vector<std::optional<std::string>>{"notifications_by_tag", "notifications_by_user",
                                                "notifications_by_writer", "notifications_pkey"});
}
