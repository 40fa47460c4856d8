#include <catch2/catch.hpp>

#include <algorithm>

#include "pg_session.hpp"
#include "pg_session_pool.hpp"
#include "pg_test_support.hpp"

using namespace notifyd;
using test::Loop;
using test::TestDatabase;

namespace {

std::string value(core::PgSession& session, const std::string& sql, const std::vector<core::PgParam>& params = {}) {
  auto rows = session.exec(sql, params);
  REQUIRE(rows);
  REQUIRE_FALSE(rows.value().rows.empty());
  return rows.value().rows.at(0).at(0).value_or("NULL");
}

// Waits until the server has ended the sessions named `application_name`.
void gone(core::PgSession& admin, const std::string& application_name) {
  for (int i = 0; i < 500; ++i) {
    if (value(admin, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", {application_name}) == "0") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the server did not end the session " << application_name);
}

}  // namespace

TEST_CASE("postgres session: a pipeline answers every statement in order, with rows, NULLs and counts") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  REQUIRE(session.exec("CREATE TABLE t (id int, name text)"));
  auto answers = session.exec_pipelined({
      {"INSERT INTO t VALUES ($1, $2)", {"1", "alice"}},
      {"INSERT INTO t VALUES ($1, $2)", {"2", std::nullopt}},
      {"UPDATE t SET name = $1 WHERE id > $2", {"bob", "1"}},
      {"SELECT id, name FROM t ORDER BY id", {}},
  });
  REQUIRE(answers);
  REQUIRE(answers.value().size() == 4);
  CHECK(answers.value()[0].affected == 1);
  CHECK(answers.value()[2].affected == 1);
  CHECK(answers.value()[3].columns == std::vector<std::string>{"id", "name"});
  CHECK(answers.value()[3].rows ==
        std::vector<std::vector<std::optional<std::string>>>{{"1", "alice"}, {"2", "bob"}});
  // The same texts again run on the statements prepared by the first pipeline.
  REQUIRE(session.exec_pipelined({{"INSERT INTO t VALUES ($1, $2)", {"3", "carol"}}}));
  CHECK(value(session, "SELECT count(*) FROM pg_prepared_statements") == "3");
  CHECK(value(session, "SELECT count(*) FROM t") == "3");
}

TEST_CASE("postgres session: a refused statement fails the pipeline, the rest of it does not run") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  REQUIRE(session.exec("CREATE TABLE t (id int PRIMARY KEY)"));
  auto answers = session.exec_pipelined({
      {"BEGIN", {}},
      {"INSERT INTO t VALUES ($1)", {"1"}},
      {"INSERT INTO t VALUES ($1)", {"1"}},
      {"INSERT INTO t VALUES ($1)", {"2"}},
      {"COMMIT", {}},
  });
  REQUIRE_FALSE(answers);
  CHECK(answers.error().find("duplicate key") != std::string::npos);
  CHECK(answers.error().find("23505") != std::string::npos);
  // The transaction is left failed, as after `exec`; ROLLBACK ends it.
  CHECK_FALSE(session.exec("SELECT 1"));
  REQUIRE(session.exec("ROLLBACK"));
  CHECK(value(session, "SELECT count(*) FROM t") == "0");

  // A statement the server cannot prepare fails the same way, and is prepared again next time.
  auto bad = session.exec_pipelined({{"INSERT INTO no_such_table VALUES ($1)", {"1"}}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().find("42P01") != std::string::npos);
  REQUIRE(session.exec("CREATE TABLE no_such_table (id int)"));
  REQUIRE(session.exec_pipelined({{"INSERT INTO no_such_table VALUES ($1)", {"1"}}}));
}

TEST_CASE("postgres session: after the server ended the session, a pipeline connects again and prepares again") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn(), std::chrono::seconds(5), std::chrono::seconds(5), "pipelined-victim");
  REQUIRE(session.exec_pipelined({{"SELECT $1::int + 1", {"1"}}}));
  core::PgSession admin(database.dsn());
  CHECK(value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'pipelined-victim'") == "1");
  gone(admin, "pipelined-victim");
  // The server's goodbye may still be on its way: one call may fail, the next connects again.
  auto again = session.exec_pipelined({{"SELECT $1::int + 1", {"41"}}});
  if (!again) {
    CHECK(again.error().find("connection") != std::string::npos);
    again = session.exec_pipelined({{"SELECT $1::int + 1", {"41"}}});
  }
  REQUIRE(again);
  CHECK(again.value().at(0).rows.at(0).at(0) == "42");
}

TEST_CASE("postgres session: a transaction whose connection broke stays failed until ROLLBACK") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn(), std::chrono::seconds(5), std::chrono::seconds(5), "pipelined-in-transaction");
  REQUIRE(session.exec_pipelined({{"BEGIN", {}}, {"SELECT 1", {}}}));
  core::PgSession admin(database.dsn());
  CHECK(value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'pipelined-in-transaction'") == "1");
  gone(admin, "pipelined-in-transaction");
  auto cut = session.exec_pipelined({{"SELECT 2", {}}, {"COMMIT", {}}});
  REQUIRE_FALSE(cut);
  // Never on a new connection, outside the transaction the statements belong to.
  CHECK_FALSE(session.exec_pipelined({{"COMMIT", {}}}));
  REQUIRE(session.exec("ROLLBACK"));
  CHECK(value(session, "SELECT 3") == "3");
}

TEST_CASE("postgres session: its state for health follows its connection") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession unreachable("host=127.0.0.1 port=1 dbname=none", std::chrono::seconds(5), std::chrono::seconds(2));
  CHECK_FALSE(unreachable.open());
  auto never = unreachable.state("store-reader");
  CHECK(never.name == "store-reader");
  CHECK(never.state == "connecting");
  CHECK_FALSE(never.last_error.empty());

  core::PgSession session(database.dsn(), std::chrono::seconds(5), std::chrono::seconds(5), "watched-session");
  CHECK(session.state("store-writer").state == "connecting");
  REQUIRE(session.exec_pipelined({{"BEGIN", {}}, {"SELECT 1", {}}}));
  const auto connected = session.state("store-writer");
  CHECK(connected.state == "connected");
  CHECK(connected.last_error.empty());
  CHECK(connected.since_ms > 0);
  core::PgSession admin(database.dsn());
  CHECK(value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'watched-session'") == "1");
  gone(admin, "watched-session");
  REQUIRE_FALSE(session.exec_pipelined({{"SELECT 2", {}}, {"COMMIT", {}}}));
  const auto broken = session.state("store-writer");
  CHECK(broken.state == "reconnecting");
  CHECK_FALSE(broken.last_error.empty());
  REQUIRE(session.exec("ROLLBACK"));
  CHECK(value(session, "SELECT 3") == "3");
  CHECK(session.state("store-writer").state == "connected");
}

TEST_CASE("postgres session pool: each session's state for health, unused until first borrowed") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSessionPool pool(database.dsn(), 3, std::chrono::seconds(5), "pooled-sessions");
  const auto states = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& session : pool.states("pool")) out.emplace_back(session.name, session.state);
    return out;
  };
  using States = std::vector<std::pair<std::string, std::string>>;
  CHECK(states() == States{{"pool-1", "unused"}, {"pool-2", "unused"}, {"pool-3", "unused"}});
  CHECK(pool.states("pool").at(0).since_ms > 0);
  CHECK(pool.with([&](core::PgSession& session) { return value(session, "SELECT 1"); }) == "1");
  // One call borrowed one session; the others have not connected.
  auto after = states();
  CHECK(std::count_if(after.begin(), after.end(), [](const auto& s) { return s.second == "connected"; }) == 1);
  CHECK(std::count_if(after.begin(), after.end(), [](const auto& s) { return s.second == "unused"; }) == 2);

  core::PgSessionPool unreachable("host=127.0.0.1 port=1 dbname=none connect_timeout=2", 2, std::chrono::seconds(5),
                                  "unreachable-pool");
  CHECK_FALSE(unreachable.with([](core::PgSession& session) { return session.exec("SELECT 1").ok(); }));
  const auto failed = unreachable.states("pool");
  REQUIRE(failed.size() == 2);
  const auto tried = std::find_if(failed.begin(), failed.end(), [](const auto& s) { return s.state != "unused"; });
  REQUIRE(tried != failed.end());
  CHECK(tried->state == "connecting");
  CHECK_FALSE(tried->last_error.empty());
  CHECK(std::count_if(failed.begin(), failed.end(), [](const auto& s) { return s.state == "unused"; }) == 1);
}

TEST_CASE("postgres session: an array literal carries quotes, backslashes, commas and braces") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  const std::vector<std::string> items{"plain", "with \"quotes\"", "back\\slash", "a,b", "{braces}", "", "NULL"};
  auto rows = session.exec("SELECT unnest($1::text[])", {core::pg_array_literal(items)});
  REQUIRE(rows);
  std::vector<std::string> back;
  for (const auto& row : rows.value().rows) back.push_back(row.at(0).value());
  CHECK(back == items);
  CHECK(value(session, "SELECT cardinality($1::text[])", {core::pg_array_literal({})}) == "0");
}

TEST_CASE("postgres session: a binary array parameter carries any bytes, NULLs and no element at all") {
  Loop loop;
  TestDatabase database(loop);
  core::PgSession session(database.dsn());
  const std::string binary("\0\x01\xff\"\\,{}", 8);
  const std::vector<std::optional<std::string_view>> items{binary, std::nullopt, std::string_view{}, "text"};
  auto rows = session.exec("SELECT i IS NULL, coalesce(encode(i, 'hex'), '') FROM unnest($1::bytea[]) i",
                           {core::PgParam::bytes(core::pg_binary_array(core::pg_bytea_oid, items))});
  REQUIRE(rows);
  std::vector<std::string> back;
  for (const auto& row : rows.value().rows) back.push_back(row.at(0).value() + " " + row.at(1).value());
  CHECK(back == std::vector<std::string>{"f 0001ff225c2c7b7d", "t ", "f ", "f 74657874"});
  CHECK(value(session, "SELECT cardinality($1::bytea[])",
              {core::PgParam::bytes(core::pg_binary_array(core::pg_bytea_oid, {}))}) == "0");
  CHECK_FALSE(session.exec("SELECT $1::text[]", {core::PgParam::bytes(core::pg_binary_array(core::pg_bytea_oid, items))}));
}
