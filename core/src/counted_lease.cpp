#include "counted_lease.hpp"

#include <atomic>

namespace notifyd::core {
namespace {

struct LeaseChanges {
  LeaseChanges(sdk::Metrics& metrics, const std::string& lease)
      : acquired(count(metrics, lease, "acquired")),
        lost(count(metrics, lease, "lost")),
        released(count(metrics, lease, "released")) {}

  static sdk::Counter& count(sdk::Metrics& metrics, const std::string& lease, const char* change) {
    return metrics.counter("lease_changes_total", "Leases this replica acquired, lost or released, by lease",
                           {{"lease", lease}, {"change", change}});
  }

  sdk::Counter& acquired;
  sdk::Counter& lost;
  sdk::Counter& released;
  std::atomic<bool> releasing{false};  ///< the campaigner gave the lease up: a `lost` now is a release
};

class CountedLease final : public sdk::Lease {
 public:
  CountedLease(std::shared_ptr<LeaseChanges> changes, std::unique_ptr<sdk::Lease> lease)
      : changes_(std::move(changes)), lease_(std::move(lease)) {}
  // Destroying a lease calls no event: its holding ends here.
  ~CountedLease() override {
    if (!changes_->releasing.exchange(true) && lease_->held()) changes_->released.inc();
  }

  bool held() const noexcept override { return lease_->held(); }
  sdk::Fence fence() const noexcept override { return lease_->fence(); }
  void release() noexcept override {
    changes_->releasing = true;
    lease_->release();
  }

 private:
  std::shared_ptr<LeaseChanges> changes_;
  std::unique_ptr<sdk::Lease> lease_;
};

}  // namespace

sdk::Counter& fenced_writes_counter(sdk::Metrics& metrics) {
  return metrics.counter("fenced_writes_total",
                         "Writes refused because their lease's holding had passed to another replica or expired");
}

std::unique_ptr<sdk::Lease> counted_campaign(sdk::Metrics* metrics, const std::string& name, sdk::LeaseEvents events,
                                             const std::function<std::unique_ptr<sdk::Lease>(sdk::LeaseEvents)>& start) {
  if (!metrics) return start(std::move(events));
  auto changes = std::make_shared<LeaseChanges>(*metrics, name);
  sdk::LeaseEvents counted{
      [changes, acquired = std::move(events.acquired)](sdk::Fence fence) {
        changes->acquired.inc();
        if (acquired) acquired(std::move(fence));
      },
      [changes, lost = std::move(events.lost)] {
        (changes->releasing ? changes->released : changes->lost).inc();
        if (lost) lost();
      }};
  auto lease = start(std::move(counted));
  if (!lease) return nullptr;
  return std::make_unique<CountedLease>(std::move(changes), std::move(lease));
}

}  // namespace notifyd::core
