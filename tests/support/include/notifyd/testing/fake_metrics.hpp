#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::testing {

/// Counters, gauges and histograms kept by name and labels, readable by the test. Thread-safe.
class FakeMetrics : public sdk::Metrics {
 public:
  /// Metrics whose count() and level() read the series of `instance`.
  explicit FakeMetrics(std::string instance = {}) : instance(std::move(instance)) {}

  sdk::Counter& counter(std::string_view name, std::string_view, sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = counters_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Counter>();
    return *slot;
  }
  sdk::Gauge& gauge(std::string_view name, std::string_view, sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = gauges_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Gauge>();
    return *slot;
  }
  sdk::Histogram& histogram(std::string_view name, std::string_view, std::vector<double> bounds,
                            sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = histograms_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Histogram>(std::move(bounds));
    return *slot;
  }
  std::string render() const noexcept override { return {}; }

  /// The value of counter `name` labelled instance=`instance` plus `labels`.
  std::uint64_t count(const std::string& name, sdk::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"instance", instance});
    return counter(name, "", std::move(labels)).value();
  }
  /// The value of gauge `name` labelled instance=`instance` plus `labels`.
  std::int64_t level(const std::string& name, sdk::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"instance", instance});
    return gauge(name, "", std::move(labels)).value();
  }

  /// Every series made so far, as `name,label=value,...`.
  std::vector<std::string> series() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [k, v] : counters_) out.push_back(k);
    for (const auto& [k, v] : gauges_) out.push_back(k);
    for (const auto& [k, v] : histograms_) out.push_back(k);
    return out;
  }

  std::string instance;  ///< the instance label count() and level() add

 private:
  static std::string key(std::string_view name, const sdk::MetricLabels& labels) {
    std::string k(name);
    for (const auto& [label, value] : labels) k += "," + label + "=" + value;
    return k;
  }
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<sdk::Counter>> counters_;
  std::map<std::string, std::unique_ptr<sdk::Gauge>> gauges_;
  std::map<std::string, std::unique_ptr<sdk::Histogram>> histograms_;
};

}  // namespace notifyd::testing
