#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "lease_holding.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "reconnecting_pg_connection.hpp"

namespace notifyd::core {

/// A campaign for one row of the `leases` table, run on the io_context
/// through the replica's connection `link` (never blocking a thread):
/// - a standby tries to take the lease every third of `ttl`, and at once
///   when the holder releases it (a ring of `doorbell` on the bus), and
///   as soon as `link` connects when it could not ask for want of a
///   connection (so a replica leads right after it starts): the row is
///   taken when it has expired by the database's clock, with the epoch one
///   higher;
/// - the holder renews every third of `ttl` (only its own holding, and
///   only while unexpired), and gives the lease up (`lost`) when
///   `ttl - margin` has passed since it SENT its last successful renewal,
///   whether or not the database answers meanwhile: the row expires at
///   least `ttl` after that send by the database's clock, so the holder
///   stops before anyone else can take over. `held()` answers by the same
///   clock, so a process frozen past that moment reads false as soon as it
///   runs again, before `lost` reaches it; and a renewal answered after
///   that moment ends the holding rather than extending it;
/// - release expires the row and rings the doorbell.
/// Events run in order on a strand of the campaign's executor; none after
/// the object is destroyed.
class PgLease final : public sdk::Lease {
 public:
  /// The bus topic a release rings, with the lease's name as the note.
  static constexpr std::string_view doorbell = "notifyd.lease";
  /// How long before the end of the lease the holder gives it up.
  static constexpr std::chrono::milliseconds margin(std::chrono::milliseconds ttl) { return ttl / 5; }

  /// Starts campaigning at once. `bus` may be destroyed before the lease.
  PgLease(std::shared_ptr<ReconnectingPgConnection> link, sdk::Bus& bus, std::string name, std::string holder,
          std::chrono::milliseconds ttl, boost::asio::any_io_executor executor, sdk::LeaseEvents events);
  ~PgLease() override;
  PgLease(const PgLease&) = delete;
  PgLease& operator=(const PgLease&) = delete;

  bool held() const noexcept override;
  sdk::Fence fence() const noexcept override;
  void release() noexcept override;
  /// The holding as every thread sees it (for `Coordination::holds`).
  std::shared_ptr<const LeaseHolding> holding() const noexcept;

 private:
  class Campaign;
  std::shared_ptr<Campaign> campaign_;
};

}  // namespace notifyd::core
