#include "metrics_registry.hpp"

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

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help, bool is_counter) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), is_counter, {}, {}}).first;
  }
  return it->second;
}

sdk::Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, sdk::MetricLabels labels) noexcept {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, true);
  auto& slot = f.counters[render_labels(labels)];
  if (!slot) slot = &counters_.emplace_back();
  return *slot;
}

sdk::Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, sdk::MetricLabels labels) noexcept {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, false);
  auto& slot = f.gauges[render_labels(labels)];
  if (!slot) slot = &gauges_.emplace_back();
  return *slot;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const std::string full = "notifyd_" + name;
    out += "# HELP " + full + " " + f.help + "\n";
    out += "# TYPE " + full + (f.is_counter ? " counter\n" : " gauge\n");
    for (const auto& [labels, c] : f.counters) out += full + labels + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges) out += full + labels + " " + std::to_string(g->value()) + "\n";
  }
  return out;
}

}  // namespace notifyd::core
