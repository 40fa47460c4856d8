#include "pg_coordination.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pg_lease.hpp"
#include "pg_schema.hpp"

namespace notifyd::core {

PgCoordination::PgCoordination(boost::asio::any_io_executor executor, PgCoordinationSettings settings,
                               sdk::Logger& log)
    : settings_(std::move(settings)),
      pool_(settings_.dsn, settings_.sessions, settings_.statement_timeout, settings_.replica),
      link_(ReconnectingPgConnection::create(std::move(executor), settings_.dsn, settings_.replica, log)),
      documents_(pool_, link_, settings_.data_dir),
      ephemeral_(pool_),
      bus_(link_) {}

PgCoordination::~PgCoordination() { close(); }

sdk::Status PgCoordination::open() {
  auto migrated = pool_.with([](PgSession& session) { return migrate_pg_schema(session); });
  if (!migrated) return sdk::Status::failure(migrated.error());
  if (auto started = documents_.start(); !started) return started;
  link_->start();
  return sdk::Status::success();
}

bool PgCoordination::wait_listening(std::chrono::milliseconds timeout) { return link_->wait_listening(timeout); }

void PgCoordination::close() {
  documents_.stop();
  link_->stop();
}

void PgCoordination::settle(std::chrono::milliseconds within, std::function<void()> done) {
  auto pending = std::make_shared<std::function<void()>>(std::move(done));
  auto timer = std::make_shared<boost::asio::steady_timer>(link_->strand(), within);
  const auto finish = [pending, timer] {
    timer->cancel();
    if (auto call = std::exchange(*pending, {})) call();
  };
  timer->async_wait([finish](boost::system::error_code ec) {
    if (!ec) finish();
  });
  // Posted after what the released leases posted, so it queues behind their statements.
  boost::asio::post(link_->strand(), [link = link_, within, finish] {
    link->execute("SELECT 1", {}, within, [finish](std::optional<PgError>, PgRows) { finish(); });
  });
}

std::unique_ptr<sdk::Lease> PgCoordination::campaign(std::string name, boost::asio::any_io_executor executor,
                                                     sdk::LeaseEvents events) noexcept {
  try {
    return std::make_unique<PgLease>(link_, bus_, std::move(name), settings_.replica, settings_.lease_ttl,
                                     std::move(executor), std::move(events));
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace notifyd::core
