#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notifyd::sdk {

/// Label pairs of a metric series, e.g. {{"channel", "bot"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count. Lock-free; any thread.
class Counter {
 public:
  /// Adds `n` (default 1).
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  /// The current count.
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (connections, queue depth). Lock-free; any thread.
class Gauge {
 public:
  /// Sets the value.
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  /// Adds `d` (may be negative).
  void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  /// The current value.
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

/// A distribution of observed values (durations in seconds) over fixed
/// bucket upper bounds, Prometheus-style. Lock-free; any thread.
class Histogram {
 public:
  /// `bounds` are the buckets' upper bounds, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}
  /// Records one value.
  void observe(double value) noexcept {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }
  /// The bucket upper bounds.
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Observations in bucket `i` alone (not cumulative); `i == bounds().size()` is the +Inf bucket.
  std::uint64_t bucket(std::size_t i) const noexcept { return buckets_[i].load(std::memory_order_relaxed); }
  /// Sum of all observed values.
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

/// The host's metric registry. Asking twice for the same name and labels
/// returns the same object; references stay valid for the daemon's lifetime.
class Metrics {
 public:
  virtual ~Metrics() = default;
  /// The counter `notifyd_<name>` with `labels`.
  virtual Counter& counter(std::string_view name, std::string_view help, MetricLabels labels = {}) noexcept = 0;
  /// The gauge `notifyd_<name>` with `labels`.
  virtual Gauge& gauge(std::string_view name, std::string_view help, MetricLabels labels = {}) noexcept = 0;
  /// The histogram `notifyd_<name>` with `bounds` (used on first creation) and `labels`.
  virtual Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                               MetricLabels labels = {}) noexcept = 0;
  /// Every series in the Prometheus text exposition format (for a /metrics endpoint).
  virtual std::string render() const noexcept = 0;
};

}  // namespace notifyd::sdk
