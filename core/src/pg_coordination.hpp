#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "lease_holding.hpp"
#include "pg_bus.hpp"
#include "pg_document_store.hpp"
#include "pg_ephemeral.hpp"
#include "pg_replica_roster.hpp"
#include "pg_session_pool.hpp"
#include "reconnecting_pg_connection.hpp"

namespace notifyd::core {

/// What a replica needs to coordinate through PostgreSQL.
struct PgCoordinationSettings {
  std::string dsn;                                  ///< libpq connection string
  std::string replica;                              ///< this replica's unique name (lease holder, application_name)
  std::string host_group;                           ///< `[cluster] host_group`
  std::chrono::milliseconds lease_ttl{10000};       ///< `[cluster] lease_ttl`
  std::filesystem::path data_dir;                   ///< the local data directory (`DocumentStore::root`)
  std::size_t sessions = 4;                         ///< blocking sessions for documents and ephemeral keys
  std::chrono::milliseconds statement_timeout{5000};  ///< bound of every blocking statement
  std::string address;                              ///< `[cluster] address` (may be empty), announced for health
};

/// `sdk::Coordination` for `[cluster] backend = "postgres"`: documents,
/// ephemeral keys, leases and doorbells in the replicas' shared database
/// (schema version 2). The blocking services borrow from a small pool of
/// sessions; leases, doorbells and document watches share one connection
/// on the io_context that reconnects by itself. Every session shows the
/// replica's name as `application_name`. The replica announces itself on
/// that connection while it runs (`PgReplicaRoster`). Lease changes,
/// refused fenced writes and the live replicas are counted in `metrics`
/// when given.
class PgCoordination final : public sdk::Coordination {
 public:
  PgCoordination(boost::asio::any_io_executor executor, PgCoordinationSettings settings, sdk::Logger& log,
                 sdk::Metrics* metrics = nullptr);
  ~PgCoordination() override;
  PgCoordination(const PgCoordination&) = delete;
  PgCoordination& operator=(const PgCoordination&) = delete;

  /// Migrates the schema and starts following the documents (blocking), and
  /// starts connecting the shared connection on the io_context (until it
  /// connects, rings are lost and leases are not taken).
  sdk::Status open();
  /// Blocks until the shared connection first listens for doorbells, or
  /// `timeout` passes; true when it does. Not on the io_context's threads.
  bool wait_listening(std::chrono::milliseconds timeout);
  /// Closes the shared connection: no watch, doorbell or lease event after
  /// it; the announcement stays until it expires (`settle` withdraws it).
  void close();
  /// Withdraws this replica's announcement, then calls `done` (on the
  /// shared connection's strand) once the statements already queued on the
  /// shared connection, such as the release of a lease destroyed just
  /// before, have been answered, or after `within`: a clean stop hands its
  /// leases over, and leaves the others' view, before the loop ends.
  void settle(std::chrono::milliseconds within, std::function<void()> done);

  /// Adds the connections `more` lists (the notification store's) to the
  /// view's, after this one's own. Call before the io_context runs.
  void show_connections(std::function<std::vector<sdk::EngineConnection>()> more) { more_connections_ = std::move(more); }

  std::string_view backend() const noexcept override { return "postgres"; }
  const std::string& replica() const noexcept override { return settings_.replica; }
  const std::string& host_group() const noexcept override { return settings_.host_group; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::Ephemeral& ephemeral() noexcept override { return ephemeral_; }
  sdk::Bus& bus() noexcept override { return bus_; }
  std::chrono::milliseconds lease_ttl() const noexcept override { return settings_.lease_ttl; }
  std::unique_ptr<sdk::Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                       sdk::LeaseEvents events) noexcept override;
  /// True while one of this replica's campaigns holds `fence` by its own clock.
  bool holds(const sdk::Fence& fence) const noexcept override;
  /// The replicas and leases of the last reading, the state of the shared
  /// connection, of the pooled sessions (`coordination-pool-<n>`) and of those
  /// `show_connections` added, and the schema version.
  sdk::ClusterView view() const noexcept override;

 private:
  PgCoordinationSettings settings_;
  sdk::Metrics* metrics_;
  PgSessionPool pool_;
  std::shared_ptr<ReconnectingPgConnection> link_;
  PgDocumentStore documents_;
  PgEphemeral ephemeral_;
  PgBus bus_;
  std::shared_ptr<PgReplicaRoster> roster_;
  std::atomic<std::uint32_t> schema_version_{0};  ///< once open
  mutable std::mutex holdings_mutex_;
  std::vector<std::weak_ptr<const LeaseHolding>> holdings_;  ///< of the campaigns started, under holdings_mutex_
  std::function<std::vector<sdk::EngineConnection>()> more_connections_;
};

}  // namespace notifyd::core
