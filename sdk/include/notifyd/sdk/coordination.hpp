#pragma once
// What replicas of one notifyd share besides the notification store: leases,
// short-lived keys and doorbells. With `[cluster] backend = "local"` these
// live in the process (one replica holds every lease at once); with
// `"postgres"` in the shared database, so a plugin never asks whether it is
// clustered.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/cluster_view.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/fence.hpp"
#include "notifyd/sdk/status.hpp"
#include "notifyd/sdk/subscription.hpp"

namespace notifyd::sdk {

/// Keys that expire by themselves (dashboard sessions, login links, failure
/// windows), shared by every replica. Keys are free text; prefix them with
/// the plugin's instance name. Values are small. Each call is blocking (one
/// database round trip): call from a plugin's executor.
class Ephemeral {
 public:
  virtual ~Ephemeral() = default;
  /// Sets `key` to `value` for `ttl`, replacing what it held.
  virtual Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept = 0;
  /// Sets `key` only if it is absent or expired; true when this call set it.
  virtual Result<bool> put_if_absent(std::string_view key, std::string_view value,
                                     std::chrono::milliseconds ttl) noexcept = 0;
  /// The value of `key`; nullopt when absent or expired.
  virtual Result<std::optional<std::string>> get(std::string_view key) const noexcept = 0;
  /// Removes `key` and returns its value, for single use: of any number of
  /// concurrent calls on any replicas, exactly one gets the value.
  virtual Result<std::optional<std::string>> take(std::string_view key) noexcept = 0;
  /// Removes `key`; succeeds when it was absent.
  virtual Status remove(std::string_view key) noexcept = 0;
  /// Adds `amount` to the counter `key` in the current window of length
  /// `window` (windows start at multiples of `window` since the epoch) and
  /// returns the window's total, this call included. A counter is forgotten
  /// after its window.
  virtual Result<std::uint64_t> count(std::string_view key, std::chrono::milliseconds window,
                                      std::uint64_t amount = 1) noexcept = 0;
};

/// What a lease tells its campaigner. Both run on the executor given to
/// `Coordination::campaign`, in order, never at once.
struct LeaseEvents {
  /// This replica now holds the lease; writes it protects carry `fence`.
  std::function<void(Fence fence)> acquired;
  /// This replica no longer holds it (renewal failed, it expired, or it was
  /// released). Called before another replica can acquire it: the holder
  /// counts its time from when it sent its last successful renewal and
  /// gives up a margin before the lease's end.
  std::function<void()> lost;
};

/// One campaign for one named lease: at most one replica holds a lease at a
/// time, and renews it every third of its time to live. Destroying the
/// campaign releases the lease (another replica can take it at once) and
/// calls no further event.
class Lease {
 public:
  virtual ~Lease() = default;
  /// True while this replica holds the lease by its own clock: a holding
  /// ends `lease_ttl − margin` after the last successful renewal was sent,
  /// even before `lost` runs (a replica frozen past its lease and resumed
  /// reads false at once). Check it before each effect the lease protects
  /// outside the database. Any thread; never blocks.
  virtual bool held() const noexcept = 0;
  /// The current holding's fence while `held()`, else an empty fence. Any thread.
  virtual Fence fence() const noexcept = 0;
  /// Gives the lease up and stops campaigning; `lost` is called if it was
  /// held. Any thread.
  virtual void release() noexcept = 0;
};

/// Doorbells between replicas: a ring says "look again", never carries the
/// only copy of anything. A ring may be lost (a replica reconnecting to the
/// database); a listener must catch up from the durable state it cares about
/// on its own timer too.
class Bus {
 public:
  virtual ~Bus() = default;
  /// Rings `topic` on every replica, this one included, with a short `note`
  /// (at most 1,000 bytes). Never blocks.
  virtual void ring(std::string_view topic, std::string_view note = {}) noexcept = 0;
  /// Calls `rung(note)` on `executor` for each ring of `topic` heard.
  virtual Subscription listen(std::string topic, boost::asio::any_io_executor executor,
                              std::function<void(std::string note)> rung) noexcept = 0;
};

/// The replicas' shared services, from `Host::coordination()`.
class Coordination {
 public:
  virtual ~Coordination() = default;
  /// `"local"` or `"postgres"`, for logs and health only: plugins never branch on it.
  virtual std::string_view backend() const noexcept = 0;
  /// This replica's name, unique among the live replicas (host name and pid).
  virtual const std::string& replica() const noexcept = 0;
  /// `[cluster] host_group`: replicas that see the same home directories and
  /// users; the host name when not set.
  virtual const std::string& host_group() const noexcept = 0;
  /// The shared documents (the same store as `Host::documents()`).
  virtual DocumentStore& documents() noexcept = 0;
  /// Keys with a time to live.
  virtual Ephemeral& ephemeral() noexcept = 0;
  /// Doorbells.
  virtual Bus& bus() noexcept = 0;
  /// The time to live of leases (`[cluster] lease_ttl`).
  virtual std::chrono::milliseconds lease_ttl() const noexcept = 0;
  /// Starts campaigning for lease `name`; `events` run on `executor`. Never blocks.
  virtual std::unique_ptr<Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                          LeaseEvents events) noexcept = 0;
  /// True while `fence` names a holding of this replica that its `Lease`
  /// calls `held()`. For code that got the fence without the Lease (a
  /// `one_replica` channel in `lead`): check before each effect outside the
  /// database (a message sent), and act as after `follow()` when false. Any
  /// thread; never blocks.
  virtual bool holds(const Fence& fence) const noexcept = 0;
  /// The live replicas, the held leases and this replica's connections to
  /// the shared database, as last seen (never blocks: a replica reads them
  /// every third of the lease time to live). Any thread.
  virtual ClusterView view() const noexcept = 0;
};

}  // namespace notifyd::sdk
