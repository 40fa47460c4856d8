#include "local_coordination.hpp"

#include <unistd.h>

#include <climits>

namespace notifyd::core {
namespace {

constexpr std::string_view ephemeral_document = "ephemeral.json";

}  // namespace

std::string this_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string this_replica_name() { return this_host_name() + ":" + std::to_string(::getpid()); }

LocalCoordination::LocalCoordination(std::filesystem::path data_dir, FilePermissions files, std::string host_group,
                                     std::chrono::milliseconds lease_ttl)
    : replica_(this_replica_name()),
      host_group_(host_group.empty() ? this_host_name() : std::move(host_group)),
      lease_ttl_(lease_ttl),
      leases_(replica_),
      documents_(std::move(data_dir), std::move(files), &leases_) {
  const auto saved = documents_.read(ephemeral_document);
  if (saved.ok() && saved.value()) {
    ephemeral_.restore(*saved.value());
    documents_.remove(ephemeral_document);
  }
}

LocalCoordination::~LocalCoordination() { documents_.write(ephemeral_document, ephemeral_.snapshot()); }

std::unique_ptr<sdk::Lease> LocalCoordination::campaign(std::string name, boost::asio::any_io_executor executor,
                                                        sdk::LeaseEvents events) noexcept {
  return leases_.campaign(std::move(name), std::move(executor), std::move(events));
}

}  // namespace notifyd::core
