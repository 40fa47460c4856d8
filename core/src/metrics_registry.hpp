#pragma once

#include <deque>
#include <functional>
#include <vector>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::core {

/// The host's `sdk::Metrics`: named series that live as long as the process
/// (a reload keeps them, so counters never go back), rendered in the
/// Prometheus text format.
class MetricsRegistry final : public sdk::Metrics {
 public:
  /// Keeps a collector registered; destroying it removes the collector.
  class Collection {
   public:
    Collection() = default;
    Collection(MetricsRegistry& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
    Collection(Collection&& other) noexcept : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
    Collection& operator=(Collection&& other) noexcept {
      std::swap(registry_, other.registry_);
      std::swap(id_, other.id_);
      return *this;
    }
    ~Collection() {
      if (registry_) registry_->remove_collector(id_);
    }

   private:
    MetricsRegistry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  sdk::Counter& counter(std::string_view name, std::string_view help, sdk::MetricLabels labels = {}) noexcept override;
  sdk::Gauge& gauge(std::string_view name, std::string_view help, sdk::MetricLabels labels = {}) noexcept override;
  sdk::Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                            sdk::MetricLabels labels = {}) noexcept override;
  std::string render() const noexcept override;
  /// Adds text computed at each render (values that live elsewhere, such as
  /// queue depths), for as long as the returned handle exists.
  [[nodiscard]] Collection add_collector(std::function<std::string()> collector);

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
  void remove_collector(std::uint64_t id) noexcept;

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::deque<sdk::Counter> counters_;
  std::deque<sdk::Gauge> gauges_;
  std::deque<sdk::Histogram> histograms_;
  std::map<std::uint64_t, std::function<std::string()>> collectors_;
  std::uint64_t next_collector_ = 1;
};

}  // namespace notifyd::core
