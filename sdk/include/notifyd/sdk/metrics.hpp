#pragma once

#include <atomic>
#include <cstdint>
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

/// The host's metric registry. Asking twice for the same name and labels
/// returns the same object; references stay valid for the daemon's lifetime.
class Metrics {
 public:
  virtual ~Metrics() = default;
  /// The counter `notifyd_<name>` with `labels`.
  virtual Counter& counter(std::string_view name, std::string_view help, MetricLabels labels = {}) noexcept = 0;
  /// The gauge `notifyd_<name>` with `labels`.
  virtual Gauge& gauge(std::string_view name, std::string_view help, MetricLabels labels = {}) noexcept = 0;
};

}  // namespace notifyd::sdk
