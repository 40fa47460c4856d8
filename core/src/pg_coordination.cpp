#include "pg_coordination.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "counted_lease.hpp"
#include "local_coordination.hpp"
#include "pg_lease.hpp"
#include "pg_schema.hpp"

namespace notifyd::core {

PgCoordination::PgCoordination(boost::asio::any_io_executor executor, PgCoordinationSettings settings,
                               sdk::Logger& log, sdk::Metrics* metrics)
    : settings_(std::move(settings)),
      metrics_(metrics),
      pool_(settings_.dsn, settings_.sessions, settings_.statement_timeout, settings_.replica),
      link_(ReconnectingPgConnection::create(std::move(executor), settings_.dsn, settings_.replica, log)),
      documents_(pool_, link_, settings_.data_dir),
      ephemeral_(pool_),
      bus_(link_),
      roster_(PgReplicaRoster::create(
          link_, this_replica(settings_.replica, settings_.host_group, settings_.address), settings_.lease_ttl,
          metrics ? &metrics->gauge("replicas", "Live replicas this replica sees, itself included") : nullptr)) {
  if (metrics_) documents_.count_fenced_in(fenced_writes_counter(*metrics_));
}

PgCoordination::~PgCoordination() { close(); }

sdk::Status PgCoordination::open() {
  auto migrated = pool_.with([](PgSession& session) { return migrate_pg_schema(session); });
  if (!migrated) return sdk::Status::failure(migrated.error());
  schema_version_ = static_cast<std::uint32_t>(pg_schema_version());
  if (auto started = documents_.start(); !started) return started;
  roster_->start();
  link_->start();
  return sdk::Status::success();
}

bool PgCoordination::wait_listening(std::chrono::milliseconds timeout) { return link_->wait_listening(timeout); }

void PgCoordination::close() {
  roster_->stop();
  documents_.stop();
  link_->stop();
}

void PgCoordination::settle(std::chrono::milliseconds within, std::function<void()> done) {
  roster_->withdraw();
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
    return counted_campaign(metrics_, name, std::move(events), [&](sdk::LeaseEvents counted) {
      auto lease = std::make_unique<PgLease>(link_, bus_, name, settings_.replica, settings_.lease_ttl,
                                             std::move(executor), std::move(counted));
      std::lock_guard lock(holdings_mutex_);
      std::erase_if(holdings_, [](const auto& holding) { return holding.expired(); });
      holdings_.push_back(lease->holding());
      return lease;
    });
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool PgCoordination::holds(const sdk::Fence& fence) const noexcept {
  std::lock_guard lock(holdings_mutex_);
  return std::any_of(holdings_.begin(), holdings_.end(), [&](const auto& weak) {
    const auto holding = weak.lock();
    return holding && holding->holds(fence);
  });
}

sdk::ClusterView PgCoordination::view() const noexcept {
  sdk::ClusterView view;
  try {
    view.backend = backend();
    view.replica = settings_.replica;
    view.host_group = settings_.host_group;
    view.lease_ttl_ms = settings_.lease_ttl.count();
    view.schema_version = schema_version_;
    view.connections.push_back(link_->state("coordination"));
    for (auto& session : pool_.states("coordination-pool")) view.connections.push_back(std::move(session));
    if (more_connections_) {
      for (auto& connection : more_connections_()) view.connections.push_back(std::move(connection));
    }
    auto reading = roster_->reading();
    view.replicas = std::move(reading.replicas);
    // Before the first reading, or while the database is away, this replica still knows it lives.
    if (std::ranges::none_of(view.replicas, &sdk::ReplicaView::self)) {
      view.replicas.insert(view.replicas.begin(),
                           this_replica(settings_.replica, settings_.host_group, settings_.address));
    }
    view.leases = std::move(reading.leases);
    view.as_of_ms = reading.as_of_ms;
  } catch (const std::exception&) {
    // Out of memory: the view says what it could.
  }
  return view;
}

}  // namespace notifyd::core
