#include "local_coordination.hpp"

#include <unistd.h>

#include <climits>

namespace notifyd::core {
std::string this_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string this_replica_name() { return this_host_name() + ":" + std::to_string(::getpid()); }

LocalCoordination::LocalCoordination(std::filesystem::path data_dir, FilePermissions files, std::string host_group,
                                     std::chrono::milliseconds lease_ttl, sdk::Logger* log)
    : log_(log),
      replica_(this_replica_name()),
      host_group_(host_group.empty() ? this_host_name() : std::move(host_group)),
      lease_ttl_(lease_ttl),
      leases_(replica_),
      documents_(std::move(data_dir), std::move(files), &leases_) {
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
  return leases_.campaign(std::move(name), std::move(executor), std::move(events));
}

}  // namespace notifyd::core
