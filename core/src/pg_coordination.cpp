#include "pg_coordination.hpp"

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
  if (!link_->wait_listening(ReconnectingPgConnection::connect_timeout)) {
    return sdk::Status::failure("cannot connect to PostgreSQL for leases and doorbells within " +
                                std::to_string(ReconnectingPgConnection::connect_timeout.count() / 1000) +
                                " s (the log says why)");
  }
  return sdk::Status::success();
}

void PgCoordination::close() {
  documents_.stop();
  link_->stop();
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
