#pragma once

#include <deque>
#include <functional>
#include <vector>
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
  sdk::Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                            sdk::MetricLabels labels = {}) noexcept override;
  std::string render() const noexcept override;
  /// Adds text computed at each render (values that live elsewhere, such as queue depths).
  void add_collector(std::function<std::string()> collector);

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    std::string help;
    Type type = Type::counter;
    std::map<std::string, sdk::Counter*> counters;  // by rendered label set
    std::map<std::string, sdk::Gauge*> gauges;
    std::map<std::string, sdk::Histogram*> histograms;
  };
  Family& family(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::deque<sdk::Counter> counters_;
  std::deque<sdk::Gauge> gauges_;
  std::deque<sdk::Histogram> histograms_;
  std::vector<std::function<std::string()>> collectors_;
};

}  // namespace notifyd::core
