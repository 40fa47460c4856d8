#pragma once
// Fakes shared by the WebSocket channel's tests: a host around a test's
// io_context, with a history the test fills and metrics it can read.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "notifyd/sdk/host.hpp"
#include "websocket_settings.hpp"

namespace notifyd::websocket::testing {

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  sdk::ConfigSchema schema;
  describe_websocket_settings(schema);
  std::map<std::string, sdk::ConfigValue, std::less<>> values;
  for (const auto& key : schema.keys()) values[key.name] = key.default_value;
  std::vector<std::string> set;
  for (const auto& [name, value] : overrides) {
    if (!schema.find(name)) throw std::logic_error("undeclared key in test: " + name);
    values[name] = value;
    set.push_back(name);
  }
  return sdk::PluginConfig(std::move(values), std::move(set));
}

/// A history of notifications, newest first as the store answers. Thread-safe.
class FakeNotifications : public sdk::NotificationService {
 public:
  void publish(sdk::PublishRequest, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    done({sdk::PublishOutcome::Code::unavailable, 0, {}, "not in tests"});
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override {
    std::lock_guard lock(mutex_);
    ++queries;
    if (fails) return sdk::Result<std::vector<sdk::HistoryEntry>>::failure("database is locked");
    std::vector<sdk::HistoryEntry> page;
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
      const auto& n = it->notification;
      if (!query.user.empty() && n.user != query.user) continue;
      if (query.before_id != 0 && n.id >= query.before_id) continue;
      if (n.id <= query.after_id) continue;
      page.push_back(*it);
      if (page.size() == query.limit) break;
    }
    return page;
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t) const noexcept override {
    return sdk::Result<sdk::HistoryEntry>::failure("not found");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return {}; }

  /// Adds a notification for `user` routed to `channels`; returns its id.
  std::uint64_t add(const std::string& user, const std::string& message, std::vector<std::string> channels = {"desk"}) {
    std::lock_guard lock(mutex_);
    sdk::HistoryEntry entry;
    entry.notification.id = ++last_id_;
    entry.notification.user = user;
    entry.notification.message = message;
    entry.notification.created_at_ms = 1'700'000'000'000;
    for (auto& channel : channels) entry.deliveries.push_back({std::move(channel), "pending", 0, "", 0});
    entries_.push_back(std::move(entry));
    return last_id_;
  }
  /// The stored notification `id`.
  sdk::Notification notification(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry.notification.id == id) return entry.notification;
    }
    throw std::out_of_range("no notification " + std::to_string(id));
  }

  bool fails = false;
  mutable int queries = 0;

 private:
  mutable std::mutex mutex_;
  std::vector<sdk::HistoryEntry> entries_;
  std::uint64_t last_id_ = 0;
};

/// Collects log lines.
class FakeLogger : public sdk::Logger {
 public:
  void write(sdk::LogLevel, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

/// Counters and gauges by name and labels.
class FakeMetrics : public sdk::Metrics {
 public:
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
  /// The value of gauge `name` with labels instance=desk plus `labels`.
  std::int64_t level(const std::string& name, sdk::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"instance", "desk"});
    return gauge(name, "", std::move(labels)).value();
  }
  /// The value of counter `name` with labels instance=desk plus `labels`.
  std::uint64_t count(const std::string& name, sdk::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"instance", "desk"});
    return counter(name, "", std::move(labels)).value();
  }

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

/// Exact routes, as the host's table matches them.
class FakeRoutes : public sdk::RouteRegistry {
 public:
  sdk::Status add(sdk::Route route) noexcept override {
    std::lock_guard lock(mutex_);
    routes_.push_back(std::make_unique<sdk::Route>(std::move(route)));
    return sdk::Status::success();
  }
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override {
    std::lock_guard lock(mutex_);
    Match match;
    for (const auto& route : routes_) {
      if (!(route->surfaces & surface) || route->path != path) continue;
      if (route->method != method) {
        match.path_known = true;
        continue;
      }
      match.route = route.get();
      return match;
    }
    return match;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<sdk::Route>> routes_;
};

/// Documents in memory.
class FakeDocuments : public sdk::DocumentStore {
 public:
  sdk::Result<std::optional<std::string>> read(std::string_view name) const noexcept override {
    std::lock_guard lock(mutex_);
    const auto it = files.find(std::string(name));
    if (it == files.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  sdk::Status write(std::string_view name, std::string_view content) noexcept override {
    std::lock_guard lock(mutex_);
    files[std::string(name)] = std::string(content);
    ++writes;
    return sdk::Status::success();
  }
  sdk::Status remove(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    files.erase(std::string(name));
    return sdk::Status::success();
  }
  const std::filesystem::path& root() const noexcept override { return root_; }
  std::string file(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = files.find(name);
    return it == files.end() ? std::string() : it->second;
  }

  std::map<std::string, std::string> files;
  int writes = 0;

 private:
  mutable std::mutex mutex_;
  std::filesystem::path root_ = "/nonexistent";
};

/// A check service with no checks.
class NoChecks final : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view) const noexcept override { return {}; }
  void run(std::string_view, std::string_view, std::string,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    done(sdk::Result<sdk::RunRecord>::failure("no checks"));
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view, std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}
};

/// A host around a test's io_context; the instance is named "desk".
class FakeHost : public sdk::Host {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : io_(io), strand_(boost::asio::make_strand(io)), config_(std::move(config)) {}

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return sdk::Kind::channel; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return documents_store; }
  sdk::NotificationService& notifications() noexcept override { return history; }
  sdk::RouteRegistry& routes() noexcept override { return route_table; }
  sdk::CheckService& checks() noexcept override { return no_checks_; }
  sdk::Metrics& metrics() noexcept override { return metric_registry; }
  const sdk::DaemonInfo& daemon() const noexcept override { return info_; }
  bool is_admin(std::string_view user) const noexcept override { return user == "root"; }

  FakeLogger logger;
  FakeNotifications history;
  FakeRoutes route_table;
  FakeMetrics metric_registry;
  FakeDocuments documents_store;

 private:
  boost::asio::io_context& io_;
  boost::asio::any_io_executor strand_;
  sdk::PluginConfig config_;
  sdk::DaemonInfo info_;
  NoChecks no_checks_;
  std::string name_ = "desk";
};

}  // namespace notifyd::websocket::testing
