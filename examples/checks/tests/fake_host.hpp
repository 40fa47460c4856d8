#pragma once
// A Host for running a check outside the daemon: its config, a logger that
// keeps lines, and services that refuse or answer nothing (checks use none).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "notifyd/sdk/host.hpp"

namespace notifyd::examples::testing {

/// Keeps every line written.
class RecordingLogger final : public sdk::Logger {
 public:
  void write(sdk::LogLevel, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

/// Services a check never needs: every call refuses or returns nothing.
class IdleServices final : public sdk::NotificationService,
                           public sdk::DocumentStore,
                           public sdk::CheckService,
                           public sdk::RouteRegistry,
                           public sdk::Metrics {
 public:
  void publish(sdk::PublishRequest, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    done(sdk::PublishOutcome{sdk::PublishOutcome::Code::unavailable, 0, {}, "not in a daemon"});
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery&) const noexcept override {
    return std::vector<sdk::HistoryEntry>{};
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t) const noexcept override {
    return sdk::Result<sdk::HistoryEntry>::failure("not in a daemon");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return {}; }

  sdk::Result<std::optional<std::string>> read(std::string_view) const noexcept override {
    return std::optional<std::string>{};
  }
  sdk::Status write(std::string_view, std::string_view) noexcept override { return sdk::Status::failure("read-only"); }
  sdk::Status remove(std::string_view) noexcept override { return sdk::Status::failure("read-only"); }
  const std::filesystem::path& root() const noexcept override { return root_; }
  sdk::Subscription watch(std::string, boost::asio::any_io_executor,
                          std::function<void(std::string)>) noexcept override {
    return {};  // nothing is ever written
  }

  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view) const noexcept override { return {}; }
  void run(std::string_view, std::string_view, std::string,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    done(sdk::Result<sdk::RunRecord>::failure("not in a daemon"));
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view, std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}

  sdk::Status add(sdk::Route) noexcept override { return sdk::Status::success(); }
  Match find(sdk::Surface, std::string_view, std::string_view) const noexcept override { return {}; }

  sdk::Counter& counter(std::string_view, std::string_view, sdk::MetricLabels) noexcept override { return counter_; }
  sdk::Gauge& gauge(std::string_view, std::string_view, sdk::MetricLabels) noexcept override { return gauge_; }
  sdk::Histogram& histogram(std::string_view, std::string_view, std::vector<double>,
                            sdk::MetricLabels) noexcept override {
    return histogram_;
  }
  std::string render() const noexcept override { return {}; }

 private:
  std::filesystem::path root_ = "/nonexistent";
  sdk::Counter counter_;
  sdk::Gauge gauge_;
  sdk::Histogram histogram_{{}};
};

/// Coordination a check never needs: one replica, keys refused, rings unheard,
/// leases never held.
class IdleCoordination final : public sdk::Coordination,
                               public sdk::Ephemeral,
                               public sdk::Bus {
 public:
  explicit IdleCoordination(sdk::DocumentStore& documents) : documents_(documents) {}

  std::string_view backend() const noexcept override { return "local"; }
  const std::string& replica() const noexcept override { return replica_; }
  const std::string& host_group() const noexcept override { return replica_; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::Ephemeral& ephemeral() noexcept override { return *this; }
  sdk::Bus& bus() noexcept override { return *this; }
  std::chrono::milliseconds lease_ttl() const noexcept override { return std::chrono::seconds(10); }
  std::unique_ptr<sdk::Lease> campaign(std::string, boost::asio::any_io_executor,
                                       sdk::LeaseEvents) noexcept override {
    return std::make_unique<NeverHeld>();
  }
  bool holds(const sdk::Fence&) const noexcept override { return false; }
  sdk::ClusterView view() const noexcept override {
    sdk::ClusterView view;
    view.backend = backend();
    view.replica = replica_;
    view.host_group = replica_;
    view.lease_ttl_ms = lease_ttl().count();
    view.replicas.push_back({replica_, replica_, "test", "", 0, 0, true});
    return view;
  }

  sdk::Status put(std::string_view, std::string_view, std::chrono::milliseconds) noexcept override {
    return sdk::Status::failure("not in a daemon");
  }
  sdk::Result<bool> put_if_absent(std::string_view, std::string_view, std::chrono::milliseconds) noexcept override {
    return sdk::Result<bool>::failure("not in a daemon");
  }
  sdk::Result<std::optional<std::string>> get(std::string_view) const noexcept override {
    return std::optional<std::string>{};
  }
  sdk::Result<std::optional<std::string>> take(std::string_view) noexcept override {
    return std::optional<std::string>{};
  }
  sdk::Status remove(std::string_view) noexcept override { return sdk::Status::success(); }
  sdk::Result<std::uint64_t> count(std::string_view, std::chrono::milliseconds, std::uint64_t) noexcept override {
    return sdk::Result<std::uint64_t>::failure("not in a daemon");
  }

  void ring(std::string_view, std::string_view) noexcept override {}
  sdk::Subscription listen(std::string, boost::asio::any_io_executor,
                           std::function<void(std::string)>) noexcept override {
    return {};
  }

 private:
  class NeverHeld final : public sdk::Lease {
   public:
    bool held() const noexcept override { return false; }
    sdk::Fence fence() const noexcept override { return {}; }
    void release() noexcept override {}
  };
  sdk::DocumentStore& documents_;
  std::string replica_ = "check-test:0";
};

/// A user database with no users and no admins.
class NoUsers final : public sdk::Users {
 public:
  std::optional<std::string> name_of(uid_t) const override { return std::nullopt; }
  std::optional<uid_t> uid_of(std::string_view) const override { return std::nullopt; }
  bool is_admin(std::string_view) const noexcept override { return false; }
};

/// The host one check instance is created with.
class FakeHost final : public sdk::Host {
 public:
  FakeHost(std::string name, sdk::PluginConfig config) : name_(std::move(name)), config_(std::move(config)) {}

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return sdk::Kind::check; }
  boost::asio::any_io_executor executor() noexcept override { return io_.get_executor(); }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return services_; }
  sdk::Coordination& coordination() noexcept override { return coordination_; }
  sdk::NotificationService& notifications() noexcept override { return services_; }
  sdk::CheckService& checks() noexcept override { return services_; }
  sdk::RouteRegistry& routes() noexcept override { return services_; }
  sdk::Metrics& metrics() noexcept override { return services_; }
  const sdk::DaemonInfo& daemon() const noexcept override { return info_; }
  bool is_admin(std::string_view) const noexcept override { return false; }
  const sdk::Users& users() const noexcept override { return users_; }
  void recipient_reachable(std::string_view) noexcept override {}  // a check has no outbox

  RecordingLogger logger;

 private:
  std::string name_;
  sdk::PluginConfig config_;
  boost::asio::io_context io_;
  IdleServices services_;
  IdleCoordination coordination_{services_};
  sdk::DaemonInfo info_;
  NoUsers users_;
};

}  // namespace notifyd::examples::testing
