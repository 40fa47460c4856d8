#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::core {

/// The host's `sdk::Metrics`: named series that live as long as the daemon,
/// rendered in the Prometheus text format.
class MetricsRegistry final : public sdk::Metrics {
 public:
  sdk::Counter& counter(std::string_view name, std::string_view help, sdk::MetricLabels labels = {}) noexcept override;
  sdk::Gauge& gauge(std::string_view name, std::string_view help, sdk::MetricLabels labels = {}) noexcept override;
  /// Every series in Prometheus text exposition format.
  std::string render() const;

 private:
  struct Family {
    std::string help;
    bool is_counter = true;
    std::map<std::string, sdk::Counter*> counters;  // by rendered label set
    std::map<std::string, sdk::Gauge*> gauges;
  };
  Family& family(std::string_view name, std::string_view help, bool is_counter);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::deque<sdk::Counter> counters_;
  std::deque<sdk::Gauge> gauges_;
};

}  // namespace notifyd::core
