#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "pg_connection.hpp"

using namespace notifyd;
using namespace std::chrono_literals;

namespace {

// The connection string of the `postgres` ctest fixture.
std::string test_dsn() {
  const char* file = std::getenv("NOTIFYD_TEST_PG_DSN_FILE");
  REQUIRE(file != nullptr);
  std::ifstream in(file);
  std::string dsn;
  std::getline(in, dsn);
  REQUIRE_FALSE(dsn.empty());
  return dsn;
}

// An io_context run by one thread for the test's lifetime.
struct Loop {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~Loop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

sdk::Status connect(core::PgConnection& connection, const std::string& dsn, std::chrono::milliseconds timeout = 10s) {
  std::promise<sdk::Status> connected;
  connection.connect(dsn, timeout, [&](sdk::Status status) { connected.set_value(std::move(status)); });
  auto future = connected.get_future();
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  return future.get();
}

struct Answer {
  std::optional<core::PgError> error;
  core::PgRows rows;
};

std::future<Answer> execute(core::PgConnection& connection, std::string sql, core::PgParams params = {},
                            std::chrono::milliseconds timeout = 10s) {
  auto answer = std::make_shared<std::promise<Answer>>();
  connection.execute(std::move(sql), std::move(params), timeout,
                     [answer](std::optional<core::PgError> error, core::PgRows rows) {
                       answer->set_value({std::move(error), std::move(rows)});
                     });
  return answer->get_future();
}

Answer wait(std::future<Answer> answer) {
  REQUIRE(answer.wait_for(60s) == std::future_status::ready);
  return answer.get();
}

}  // namespace

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
