#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "notifyd/sdk/coordination.hpp"

namespace notifyd::core {

/// The lease table of one process (`[cluster] backend = "local"`): the first
/// campaign for a name holds it until it is released or destroyed, which
/// hands it at once to the campaign that has waited longest. Each holding of
/// a name gets a larger epoch. Nothing expires: one process cannot lose a
/// lease to another.
///
/// Events run on a strand over the campaign's executor, in order; a campaign
/// destroyed gets no further event.
class LocalLeases {
 public:
  /// Holders are named `replica` in their fences.
  explicit LocalLeases(std::string replica);
  ~LocalLeases();
  LocalLeases(const LocalLeases&) = delete;
  LocalLeases& operator=(const LocalLeases&) = delete;

  /// Starts a campaign for `name` (see `sdk::Coordination::campaign`).
  std::unique_ptr<sdk::Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                       sdk::LeaseEvents events);
  /// Runs `write` if `fence` names the current holding of its lease, and no
  /// holding changes until `write` returns; false (and `write` not run) when
  /// the holding is over. Any thread; `write` must not campaign or release.
  bool while_current(const sdk::Fence& fence, const std::function<void()>& write) const;
  /// The leases held now, by name (they never expire). Any thread.
  std::vector<sdk::LeaseView> holdings() const;

 private:
  struct Campaign;
  struct Table;
  class Handle;

  std::shared_ptr<Table> table_;  ///< shared with the campaigns' handles, which may outlive it
};

}  // namespace notifyd::core
