#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>

#include "pg_test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::connect;
using test::execute;
using test::Loop;
using test::test_dsn;
using test::wait;

TEST_CASE("postgres connection: statements with parameters answer rows, NULLs and counts, in order") {
  Loop loop;
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, test_dsn()));
  CHECK(connection->connected());

  auto created = execute(*connection, "CREATE TEMPORARY TABLE t (id int, name text)");
  auto inserted = execute(*connection, "INSERT INTO t VALUES ($1, $2), ($3, $4)", {"1", "alice", "2", std::nullopt});
  auto selected = execute(*connection, "SELECT id, name FROM t ORDER BY id");
  CHECK_FALSE(wait(std::move(created)).error);
  const auto insert = wait(std::move(inserted));
  CHECK_FALSE(insert.error);
  CHECK(insert.rows.affected == 2);
  const auto rows = wait(std::move(selected));
  REQUIRE_FALSE(rows.error);
  CHECK(rows.rows.columns == std::vector<std::string>{"id", "name"});
  REQUIRE(rows.rows.rows.size() == 2);
  CHECK(rows.rows.rows[0] == std::vector<std::optional<std::string>>{"1", "alice"});
  CHECK(rows.rows.rows[1] == std::vector<std::optional<std::string>>{"2", std::nullopt});
}

TEST_CASE("postgres connection: a server error carries its SQLSTATE and leaves the connection usable") {
  Loop loop;
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, test_dsn()));
  const auto failed = wait(execute(*connection, "SELECT * FROM no_such_table"));
  REQUIRE(failed.error);
  CHECK(failed.error->sqlstate == "42P01");
  CHECK(failed.error->message == "relation \"no_such_table\" does not exist");
  const auto duplicate = wait(execute(*connection, "SELECT 1/0"));
  REQUIRE(duplicate.error);
  CHECK(duplicate.error->sqlstate == "22012");
  const auto after = wait(execute(*connection, "SELECT $1::int + 1", {"41"}));
  REQUIRE_FALSE(after.error);
  CHECK(after.rows.rows.at(0).at(0) == "42");
}

TEST_CASE("postgres connection: a statement past its deadline ends the connection, queued ones are answered") {
  Loop loop;
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, test_dsn()));
  auto slow = execute(*connection, "SELECT pg_sleep(30)", {}, 300ms);
  auto queued = execute(*connection, "SELECT 1");
  const auto timed_out = wait(std::move(slow));
  REQUIRE(timed_out.error);
  CHECK(timed_out.error->message == "PostgreSQL did not answer within 300 ms");
  const auto dropped = wait(std::move(queued));
  REQUIRE(dropped.error);
  CHECK(dropped.error->message == "PostgreSQL did not answer within 300 ms");
  CHECK_FALSE(connection->connected());
  CHECK(wait(execute(*connection, "SELECT 1")).error->message == "not connected to PostgreSQL");
}

TEST_CASE("postgres connection: nobody listening, or a server that never answers, fails within the timeout") {
  Loop loop;
  boost::asio::ip::tcp::acceptor silent(loop.io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = std::to_string(silent.local_endpoint().port());

  auto refused = core::PgConnection::create(loop.io.get_executor());
  boost::asio::ip::tcp::acceptor closed(loop.io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto closed_port = std::to_string(closed.local_endpoint().port());
  closed.close();
  const auto no_server = connect(*refused, "host=127.0.0.1 port=" + closed_port + " user=postgres", 10s);
  CHECK_FALSE(no_server);
  CHECK(no_server.message.starts_with("cannot connect to PostgreSQL: "));
  CHECK(no_server.message.find("refused") != std::string::npos);

  // The listening socket accepts in the kernel but never speaks.
  auto hanging = core::PgConnection::create(loop.io.get_executor());
  const auto no_answer = connect(*hanging, "host=127.0.0.1 port=" + port + " user=postgres", 300ms);
  CHECK(no_answer.message == "cannot connect to PostgreSQL: no answer within 300 ms");
  CHECK_FALSE(hanging->connected());
}

TEST_CASE("postgres connection: closing answers what is queued and is safe with work in flight") {
  Loop loop;
  auto connection = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*connection, test_dsn()));
  auto slow = execute(*connection, "SELECT pg_sleep(30)");
  connection->close();
  const auto closed = wait(std::move(slow));
  REQUIRE(closed.error);
  CHECK(closed.error->message == "the PostgreSQL connection was closed");
}

TEST_CASE("postgres connection: notifications arrive while idle, and a break is reported once") {
  Loop loop;
  auto listener = core::PgConnection::create(loop.io.get_executor());
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> heard;
  const auto record = [&](std::string what) {
    {
      std::lock_guard lock(mutex);
      heard.push_back(std::move(what));
    }
    changed.notify_all();
  };
  const auto wait_for = [&](std::size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 30s, [&] { return heard.size() >= count; });
  };
  listener->on_events([&](std::string channel, std::string payload) { record(channel + " " + payload); },
                      [&](std::string why) { record("lost: " + why); });
  REQUIRE(connect(*listener, test_dsn(), 10s));
  REQUIRE_FALSE(wait(execute(*listener, "LISTEN doorbell")).error);
  const auto pid = wait(execute(*listener, "SELECT pg_backend_pid()")).rows.rows.at(0).at(0).value();

  auto other = core::PgConnection::create(loop.io.get_executor());
  REQUIRE(connect(*other, test_dsn()));
  REQUIRE_FALSE(wait(execute(*other, "SELECT pg_notify('doorbell', 'one')")).error);
  REQUIRE(wait_for(1));
  REQUIRE_FALSE(wait(execute(*other, "SELECT pg_notify('doorbell', 'two')")).error);
  REQUIRE(wait_for(2));
  REQUIRE_FALSE(wait(execute(*other, "SELECT pg_terminate_backend($1::int)", {pid})).error);
  REQUIRE(wait_for(3));
  std::lock_guard lock(mutex);
  REQUIRE(heard.size() == 3);
  CHECK(heard[0] == "doorbell one");
  CHECK(heard[1] == "doorbell two");
  CHECK(heard[2].starts_with("lost: PostgreSQL connection lost: "));
  CHECK_FALSE(listener->connected());
}
