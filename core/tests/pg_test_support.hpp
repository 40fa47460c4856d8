#pragma once
// Helpers for tests against the PostgreSQL of the `postgres` ctest fixture:
// its connection string, a fresh database per test, and blocking wrappers
// around PgConnection's callbacks.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "pg_connection.hpp"

namespace notifyd::test {

using namespace std::chrono_literals;

/// The connection string of the fixture's server (NOTIFYD_TEST_PG_DSN_FILE).
inline std::string test_dsn() {
  const char* file = std::getenv("NOTIFYD_TEST_PG_DSN_FILE");
  REQUIRE(file != nullptr);
  std::ifstream in(file);
  std::string dsn;
  std::getline(in, dsn);
  REQUIRE_FALSE(dsn.empty());
  return dsn;
}

/// An io_context run by one thread for the test's lifetime.
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

inline sdk::Status connect(core::PgConnection& connection, const std::string& dsn,
                           std::chrono::milliseconds timeout = 10s) {
  std::promise<sdk::Status> connected;
  connection.connect(dsn, timeout, [&](sdk::Status status) { connected.set_value(std::move(status)); });
  auto future = connected.get_future();
  REQUIRE(future.wait_for(60s) == std::future_status::ready);
  return future.get();
}

/// What a statement answered.
struct Answer {
  std::optional<core::PgError> error;
  core::PgRows rows;
};

inline std::future<Answer> execute(core::PgConnection& connection, std::string sql, core::PgParams params = {},
                                   std::chrono::milliseconds timeout = 10s) {
  auto answer = std::make_shared<std::promise<Answer>>();
  connection.execute(std::move(sql), std::move(params), timeout,
                     [answer](std::optional<core::PgError> error, core::PgRows rows) {
                       answer->set_value({std::move(error), std::move(rows)});
                     });
  return answer->get_future();
}

inline Answer wait(std::future<Answer> answer) {
  REQUIRE(answer.wait_for(60s) == std::future_status::ready);
  return answer.get();
}

/// A database of its own for one test, created on the fixture's server;
/// `dsn` connects to it.
class TestDatabase {
 public:
  explicit TestDatabase(Loop& loop) : admin_(core::PgConnection::create(loop.io.get_executor())) {
    static std::atomic<int> made{0};
    name_ = "notifyd_test_" + std::to_string(::getpid()) + "_" + std::to_string(made++);
    REQUIRE(connect(*admin_, test_dsn()));
    auto dropped = wait(execute(*admin_, "DROP DATABASE IF EXISTS " + name_));
    REQUIRE_FALSE(dropped.error);
    auto created = wait(execute(*admin_, "CREATE DATABASE " + name_));
    REQUIRE_FALSE(created.error);
  }
  ~TestDatabase() {
    execute(*admin_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").wait_for(60s);
    admin_->close();
  }
  std::string dsn() const { return test_dsn() + " dbname=" + name_; }

 private:
  std::shared_ptr<core::PgConnection> admin_;
  std::string name_;
};

}  // namespace notifyd::test
