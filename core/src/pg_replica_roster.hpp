#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "reconnecting_pg_connection.hpp"

namespace notifyd::core {

/// A replica's announcement in the shared database, and its reading of the
/// others'. Every third of `ttl`, and as soon as `link` connects, it sets
/// the ephemeral key `notifyd.replica/<name>` (its `ReplicaView` as JSON)
/// to expire after `ttl`, then reads the live announcements and the held
/// leases. So a replica sees another within moments of its start, and stops
/// seeing one killed at most `ttl` plus a third of it after its last
/// renewal. Everything runs on `link`'s strand, never blocking a thread.
class PgReplicaRoster final : public std::enable_shared_from_this<PgReplicaRoster> {
 public:
  /// The ephemeral keys of the announcements start with this (not a plugin
  /// instance's name, which has no dot).
  static constexpr std::string_view key_prefix = "notifyd.replica/";

  /// `replicas` (may be null) shows how many live replicas were read last.
  static std::shared_ptr<PgReplicaRoster> create(std::shared_ptr<ReconnectingPgConnection> link, sdk::ReplicaView self,
                                                 std::chrono::milliseconds ttl, sdk::Gauge* replicas);

  /// Announces and reads on every connection of `link` (call before it starts) and every third of `ttl`.
  void start();
  /// Stops announcing and queues the removal of the announcement on `link`.
  void withdraw();
  /// Stops announcing; the announcement stays until it expires (as a killed replica's would).
  void stop();

  /// What the last reading found (`as_of_ms` 0 before the first): the live
  /// replicas by name, this one marked `self`, and the held leases by name. Any thread.
  struct Reading {
    std::vector<sdk::ReplicaView> replicas;
    std::vector<sdk::LeaseView> leases;
    std::int64_t as_of_ms = 0;
  };
  Reading reading() const;

 private:
  PgReplicaRoster(std::shared_ptr<ReconnectingPgConnection> link, sdk::ReplicaView self, std::chrono::milliseconds ttl,
                  sdk::Gauge* replicas);
  void announce();
  void read();
  void read_answer(PgRows rows);
  void renew_later();

  std::shared_ptr<ReconnectingPgConnection> link_;
  const sdk::ReplicaView self_;
  const std::string key_;
  const std::chrono::milliseconds ttl_;
  sdk::Gauge* replicas_;
  boost::asio::steady_timer next_;  ///< on the link's strand, as is stopped_
  bool stopped_ = false;
  mutable std::mutex mutex_;
  Reading reading_;  ///< under mutex_
};

}  // namespace notifyd::core
