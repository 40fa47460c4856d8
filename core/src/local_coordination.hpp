#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "file_document_store.hpp"
#include "file_permissions.hpp"
#include "local_bus.hpp"
#include "local_ephemeral.hpp"
#include "local_leases.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"

namespace notifyd::core {

/// `sdk::Coordination` of a single notifyd (`[cluster] backend = "local"`):
/// documents are files in the data directory, leases, keys and doorbells
/// live in this process. This replica holds every lease it campaigns for
/// that no other campaign of its own holds. The ephemeral keys live in the
/// document `ephemeral.json` between one `LocalCoordination` and the next (a
/// reload or a clean restart); the document is removed once read, so a
/// crash loses them rather than bring back keys removed since.
class LocalCoordination final : public sdk::Coordination {
 public:
  /// The file in `data_dir` that keeps the ephemeral keys from a clean stop to the next start.
  static constexpr std::string_view saved_keys_document = "ephemeral.json";

  /// Documents in `data_dir`, written with `files`; `host_group` empty = the
  /// host name. A damaged or unwritable `ephemeral.json` is reported to `log`.
  /// Lease changes and refused fenced writes are counted in `metrics`, which
  /// also shows one live replica; `address` is `[cluster] address`.
  LocalCoordination(std::filesystem::path data_dir, FilePermissions files, std::string host_group,
                    std::chrono::milliseconds lease_ttl, sdk::Logger* log = nullptr, sdk::Metrics* metrics = nullptr,
                    std::string address = {});
  /// Saves the live ephemeral keys.
  ~LocalCoordination() override;

  std::string_view backend() const noexcept override { return "local"; }
  const std::string& replica() const noexcept override { return replica_; }
  const std::string& host_group() const noexcept override { return host_group_; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::Ephemeral& ephemeral() noexcept override { return ephemeral_; }
  sdk::Bus& bus() noexcept override { return bus_; }
  std::chrono::milliseconds lease_ttl() const noexcept override { return lease_ttl_; }
  std::unique_ptr<sdk::Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                       sdk::LeaseEvents events) noexcept override;
  /// True while `fence` names a holding of the lease table (which never expire).
  bool holds(const sdk::Fence& fence) const noexcept override;
  /// This one replica, and every lease one of its campaigns holds.
  sdk::ClusterView view() const noexcept override;

 private:
  sdk::Logger* log_;
  sdk::Metrics* metrics_;
  std::string replica_;
  std::string host_group_;
  std::chrono::milliseconds lease_ttl_;
  sdk::ReplicaView self_;
  LocalLeases leases_;
  FileDocumentStore documents_;  ///< after `leases_`, which it checks fences against
  LocalEphemeral ephemeral_;
  LocalBus bus_;
};

/// This machine's host name (`[cluster] host_group` when not set).
std::string this_host_name();
/// This replica's name: `<host name>:<pid>`.
std::string this_replica_name();
/// This process as a replica named `name` in `host_group`, reachable at
/// `address` (may be empty): notifyd's version, the pid and when the process
/// started (a reload keeps it).
sdk::ReplicaView this_replica(std::string name, std::string host_group, std::string address);

}  // namespace notifyd::core
