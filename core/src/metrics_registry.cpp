#include "metrics_registry.hpp"

#include <sstream>

namespace notifyd::core {
namespace {

std::string render_labels(const sdk::MetricLabels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (out.size() > 1) out += ',';
    out += key + "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), type, {}, {}, {}}).first;
  }
  return it->second;
}

sdk::Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, sdk::MetricLabels labels) noexcept {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, Type::counter);
  auto& slot = f.counters[render_labels(labels)];
  if (!slot) slot = &counters_.emplace_back();
  return *slot;
}

sdk::Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, sdk::MetricLabels labels) noexcept {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, Type::gauge);
  auto& slot = f.gauges[render_labels(labels)];
  if (!slot) slot = &gauges_.emplace_back();
  return *slot;
}

sdk::Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                                           sdk::MetricLabels labels) noexcept {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, Type::histogram);
  auto& slot = f.histograms[render_labels(labels)];
  if (!slot) slot = &histograms_.emplace_back(std::move(bounds));
  return *slot;
}

MetricsRegistry::Collection MetricsRegistry::add_collector(std::function<std::string()> collector) {
  std::lock_guard lock(mutex_);
  const auto id = next_collector_++;
  collectors_.emplace(id, std::move(collector));
  return Collection(*this, id);
}

void MetricsRegistry::remove_collector(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  collectors_.erase(id);
}

std::string MetricsRegistry::render() const noexcept {
  try {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
      const std::string full = "notifyd_" + name;
      static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
      out += "# HELP " + full + " " + f.help + "\n";
      out += "# TYPE " + full + " " + type_names[static_cast<int>(f.type)] + "\n";
      for (const auto& [labels, c] : f.counters) out += full + labels + " " + std::to_string(c->value()) + "\n";
      for (const auto& [labels, g] : f.gauges) out += full + labels + " " + std::to_string(g->value()) + "\n";
      for (const auto& [labels, h] : f.histograms) {
        // `labels` is "" or "{a=\"b\"}"; the bucket label joins it.
        const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2) + ",";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= h->bounds().size(); ++i) {
          cumulative += h->bucket(i);
          std::ostringstream bound;
          if (i < h->bounds().size()) bound << h->bounds()[i];
          else bound << "+Inf";
          out += full + "_bucket{" + inner + "le=\"" + bound.str() + "\"} " + std::to_string(cumulative) + "\n";
        }
        std::ostringstream sum;
        sum << h->sum();
        out += full + "_sum" + labels + " " + sum.str() + "\n";
        out += full + "_count" + labels + " " + std::to_string(cumulative) + "\n";
      }
    }
    for (const auto& [id, collector] : collectors_) out += collector();
    return out;
  } catch (...) {
    return "# metrics could not be rendered\n";
  }
}

}  // namespace notifyd::core
