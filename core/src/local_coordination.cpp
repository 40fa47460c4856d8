#include "local_coordination.hpp"

#include <unistd.h>

#include <climits>

#include "counted_lease.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "version.hpp"

namespace notifyd::core {
std::string this_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string this_replica_name() { return this_host_name() + ":" + std::to_string(::getpid()); }

sdk::ReplicaView this_replica(std::string name, std::string host_group, std::string address) {
  static const std::int64_t started_at_ms = sdk::now_epoch_ms();
  return {std::move(name), std::move(host_group), std::string(version), std::move(address),
          static_cast<std::uint64_t>(::getpid()), started_at_ms, true};
}

LocalCoordination::LocalCoordination(std::filesystem::path data_dir, FilePermissions files, std::string host_group,
                                     std::chrono::milliseconds lease_ttl, sdk::Logger* log, sdk::Metrics* metrics,
                                     std::string address)
    : log_(log),
      metrics_(metrics),
      replica_(this_replica_name()),
      host_group_(host_group.empty() ? this_host_name() : std::move(host_group)),
      lease_ttl_(lease_ttl),
      self_(this_replica(replica_, host_group_, std::move(address))),
      leases_(replica_),
      documents_(std::move(data_dir), std::move(files), &leases_) {
  if (metrics_) {
    documents_.count_fenced_in(fenced_writes_counter(*metrics_));
    metrics_->gauge("replicas", "Live replicas this replica sees, itself included").set(1);
  }
  const auto saved = documents_.read(saved_keys_document);
  if (!saved) {
    if (log_) log_->error("cannot read the ephemeral keys of the last run (", saved.error(), ")");
    return;
  }
  if (!saved.value()) return;
  if (!ephemeral_.restore(*saved.value()) && log_) {
    log_->error(saved_keys_document, " in the data directory is not a snapshot of ephemeral keys; starting without them");
  }
  if (auto removed = documents_.remove(saved_keys_document); !removed && log_) {
    log_->error("cannot remove ", saved_keys_document, " (", removed.message, ")");
  }
}

LocalCoordination::~LocalCoordination() {
  if (auto saved = documents_.write(saved_keys_document, ephemeral_.snapshot()); !saved && log_) {
    log_->error("cannot save the ephemeral keys (", saved.message, "); dashboard sessions end with this run");
  }
}

std::unique_ptr<sdk::Lease> LocalCoordination::campaign(std::string name, boost::asio::any_io_executor executor,
                                                        sdk::LeaseEvents events) noexcept {
  return counted_campaign(metrics_, name, std::move(events), [&](sdk::LeaseEvents counted) {
    return leases_.campaign(name, std::move(executor), std::move(counted));
  });
}

bool LocalCoordination::holds(const sdk::Fence& fence) const noexcept {
  return leases_.while_current(fence, [] {});
}

sdk::ClusterView LocalCoordination::view() const noexcept {
  sdk::ClusterView view;
  try {
    view.backend = backend();
    view.replica = replica_;
    view.host_group = host_group_;
    view.lease_ttl_ms = lease_ttl_.count();
    view.replicas.push_back(self_);
    view.leases = leases_.holdings();
    view.as_of_ms = sdk::now_epoch_ms();
  } catch (const std::exception&) {
    // Out of memory: the view says what it could.
  }
  return view;
}

}  // namespace notifyd::core
