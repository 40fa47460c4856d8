#include <catch2/catch.hpp>

#include "pg_schema.hpp"
#include "pg_test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::connect;
using test::execute;
using test::Loop;
using test::TestDatabase;
using test::wait;

namespace {

sdk::Result<int> migrate(core::PgConnection& connection,
                         const std::vector<core::PgMigration>& migrations = core::pg_migrations()) {
  std::promise<sdk::Result<int>> migrated;
  core::migrate_pg_schema(connection, migrations, 10s, [&](sdk::Result<int> found) { migrated.set_value(found); });
  auto future = migrated.get_future();
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  return future.get();
}

sdk::Result<int> version(core::PgConnection& connection) {
  std::promise<sdk::Result<int>> read;
  core::read_pg_schema_version(connection, 10s, [&](sdk::Result<int> found) { read.set_value(found); });
  auto future = read.get_future();
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  return future.get();
}

std::vector<std::optional<std::string>> column(core::PgConnection& connection, const std::string& sql) {
  auto answer = wait(execute(connection, sql));
  REQUIRE_FALSE(answer.error);
  std::vector<std::optional<std::string>> values;
  for (const auto& row : answer.rows.rows) values.push_back(row.at(0));
  return values;
}

}  // namespace

TEST_CASE("postgres schema: created on an empty database, then left alone") {
  Loop loop;
  TestDatabase database(loop);
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, database.dsn()));

  CHECK(version(*connection).value() == 0);
  const auto first = migrate(*connection);
  REQUIRE(first.ok());
  CHECK(first.value() == 0);
  CHECK(version(*connection).value() == core::pg_schema_version());
  CHECK(column(*connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") ==
        std::vector<std::optional<std::string>>{"attempts", "deliveries", "notifications", "notifyd_schema", "runs"});

  const auto again = migrate(*connection);
  REQUIRE(again.ok());
  CHECK(again.value() == core::pg_schema_version());
  CHECK(column(*connection, "SELECT count(*) FROM notifyd_schema") ==
        std::vector<std::optional<std::string>>{std::to_string(core::pg_schema_version())});
}

TEST_CASE("postgres schema: replicas migrating at once migrate once") {
  Loop loop;
  TestDatabase database(loop);
  std::vector<std::shared_ptr<core::PgConnection>> replicas;
  for (int i = 0; i < 4; ++i) {
    replicas.push_back(core::PgConnection::create(loop.io.get_executor()));
    REQUIRE(connect(*replicas.back(), database.dsn()));
  }
  std::vector<std::promise<sdk::Result<int>>> migrated(replicas.size());
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    core::migrate_pg_schema(*replicas[i], core::pg_migrations(), 10s,
                            [&migrated, i](sdk::Result<int> found) { migrated[i].set_value(found); });
  }
  int from_empty = 0;
  for (auto& promise : migrated) {
    auto future = promise.get_future();
    REQUIRE(future.wait_for(60s) == std::future_status::ready);
    const auto found = future.get();
    REQUIRE(found.ok());
    if (found.value() == 0) ++from_empty;
  }
  CHECK(from_empty == 1);
  CHECK(version(*replicas[0]).value() == core::pg_schema_version());
}

TEST_CASE("postgres schema: a newer schema is refused and a failed migration leaves nothing behind") {
  Loop loop;
  TestDatabase database(loop);
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, database.dsn()));

  const std::vector<core::PgMigration> broken{
      {1, {"CREATE TABLE half_done(x int)"}}, {2, {"CREATE TABLE half_done(x int)"}}};
  const auto failed = migrate(*connection, broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error() ==
        "cannot migrate the notifyd schema: relation \"half_done\" already exists (SQLSTATE 42P07)");
  CHECK(version(*connection).value() == 0);
  CHECK(column(*connection, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'") ==
        std::vector<std::optional<std::string>>{"0"});

  REQUIRE(migrate(*connection).ok());
  REQUIRE_FALSE(wait(execute(*connection, "INSERT INTO notifyd_schema(version) VALUES (99)")).error);
  const auto newer = migrate(*connection);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error() == "the database's notifyd schema is version 99, newer than this notifyd's " +
                             std::to_string(core::pg_schema_version()) + ": upgrade notifyd");
  CHECK(version(*connection).value() == 99);
}
