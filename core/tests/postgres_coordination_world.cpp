// The coordination contract's PostgreSQL world: each replica is a
// PgCoordination of its own (its own sessions and connection, as separate
// daemons would have) on a fresh database of the `postgres` fixture's server.

#include <deque>
#include <mutex>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "coordination_world.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "pg_coordination.hpp"
#include "pg_document_store.hpp"
#include "pg_test_support.hpp"
#include "test_support.hpp"

namespace notifyd::test {
namespace {

class PostgresWorld final : public CoordinationWorld {
 public:
  explicit PostgresWorld(std::chrono::milliseconds lease_ttl) : lease_ttl_(lease_ttl) {}
  // The replicas go first, while the loop runs their closing; then the
  // loop's threads return once nothing is left to do.
  ~PostgresWorld() override {
    {
      std::lock_guard lock(mutex_);
      replicas_.clear();
    }
    work_.reset();
    for (auto& thread : threads_) thread.join();
  }

  sdk::Coordination& replica(std::size_t index) override {
    std::lock_guard lock(mutex_);
    while (replicas_.size() <= index) {
      core::PgCoordinationSettings settings;
      settings.dsn = database_.dsn();
      settings.replica = "replica-" + std::to_string(replicas_.size()) + ":" + std::to_string(::getpid());
      settings.host_group = "contract-group";
      settings.lease_ttl = lease_ttl_;
      settings.data_dir = dir_.path();
      auto coordination = std::make_unique<core::PgCoordination>(io_.get_executor(), settings, log_);
      const auto opened = coordination->open();
      INFO(opened.message);
      REQUIRE(opened);
      replicas_.push_back(std::move(coordination));
    }
    return *replicas_[index];
  }

  boost::asio::any_io_executor executor() override { return io_.get_executor(); }

  void change_behind_the_back(const std::string& name, const std::string& content) override {
    core::PgSession session(database_.dsn());
    for (const std::string& statement :
         {std::string("BEGIN"), "SELECT pg_advisory_xact_lock(" + std::string(core::PgDocumentStore::versions_lock) + ")"}) {
      REQUIRE(session.exec(statement).ok());
    }
    const auto written = session.exec(
        "INSERT INTO documents(name, content, version) VALUES ($1, $2, nextval('document_versions')) "
        "ON CONFLICT (name) DO UPDATE SET content = excluded.content, version = excluded.version",
        {name, core::PgParam::bytes(content)});
    INFO(written.error());
    REQUIRE(written.ok());
    REQUIRE(session.exec("COMMIT").ok());
  }

 private:
  std::chrono::milliseconds lease_ttl_;
  Loop admin_loop_;
  TestDatabase database_{admin_loop_};
  TempDir dir_;
  testing::FakeLogger log_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::mutex mutex_;
  std::deque<std::unique_ptr<core::PgCoordination>> replicas_;
  std::thread threads_[2] = {std::thread([this] { io_.run(); }), std::thread([this] { io_.run(); })};
};

}  // namespace

std::unique_ptr<CoordinationWorld> make_coordination_world(std::chrono::milliseconds lease_ttl) {
  return std::make_unique<PostgresWorld>(lease_ttl);
}

}  // namespace notifyd::test
