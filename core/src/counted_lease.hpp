#pragma once

#include <functional>
#include <memory>
#include <string>

#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/metrics.hpp"

namespace notifyd::core {

/// The counter of refused fenced writes, `notifyd_fenced_writes_total`: a
/// write made with a fence whose holding had passed to another replica or
/// expired. Every store that checks fences counts into it.
sdk::Counter& fenced_writes_counter(sdk::Metrics& metrics);

/// Starts a campaign with `start(events)` and counts what happens to it in
/// `notifyd_lease_changes_total{lease,change}`: `acquired`; `lost` when the
/// lease was taken away (a renewal failed, it expired); `released` when its
/// campaigner gave it up while holding it (`release`, or destroying the
/// lease). Without `metrics`, the campaign is started uncounted.
std::unique_ptr<sdk::Lease> counted_campaign(sdk::Metrics* metrics, const std::string& name, sdk::LeaseEvents events,
                                             const std::function<std::unique_ptr<sdk::Lease>(sdk::LeaseEvents)>& start);

}  // namespace notifyd::core
