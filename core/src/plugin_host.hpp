#pragma once

#include <atomic>
#include <cstdint>

#include <boost/asio/strand.hpp>

#include "check_runner.hpp"
#include "log_sink.hpp"
#include "metrics_registry.hpp"
#include "notifyd/sdk/host.hpp"
#include "pipeline.hpp"
#include "route_table.hpp"
#include "user_directory.hpp"

namespace notifyd::core {

/// The daemon-wide services every plugin's Host hands out.
struct HostServices {
  boost::asio::io_context& io;
  LogSink& log_sink;
  sdk::DocumentStore& documents;
  sdk::Coordination& coordination;
  Pipeline& pipeline;
  CheckRunner& checks;
  RouteTable& routes;
  MetricsRegistry& metrics;
  const UserDirectory& users;
  sdk::DaemonInfo info;
};

/// The check service as one plugin instance sees it: providers it registers
/// are known by the instance's name.
class PluginCheckService final : public sdk::CheckService {
 public:
  PluginCheckService(CheckRunner& runner, std::string instance) : runner_(runner), instance_(std::move(instance)) {}
  void add_provider(sdk::CheckProvider& provider) noexcept override { runner_.add_provider(instance_, provider); }
  std::vector<sdk::CheckStatus> checks(std::string_view user) const noexcept override { return runner_.checks(user); }
  void run(std::string_view user, std::string_view name, std::string trigger,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    runner_.run(user, name, std::move(trigger), [done = std::move(done)](RunResult result) { done(result.to_sdk()); });
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view name,
                                                std::uint32_t limit) const noexcept override {
    return runner_.runs(user, name, limit);
  }
  void set_next_run(std::string_view user, std::string_view name, std::int64_t at_ms) noexcept override {
    runner_.set_next_run(user, name, at_ms);
  }

 private:
  CheckRunner& runner_;
  std::string instance_;
};

/// `sdk::Host` for one plugin instance: its own strand, logger and config
/// over the shared services. Routes it adds belong to it (`serial`, unique
/// among the instances of the process's life).
class PluginHost final : public sdk::Host {
 public:
  PluginHost(std::string name, sdk::Kind kind, sdk::PluginConfig config, HostServices& services)
      : name_(std::move(name)),
        kind_(kind),
        config_(std::move(config)),
        services_(services),
        strand_(boost::asio::make_strand(services.io)),
        checks_(services.checks, name_),
        serial_(next_serial()),
        routes_(services.routes, serial_),
        log_(services.log_sink, std::string(sdk::kind_name(kind)) + ":" + name_) {}

  /// This instance's number, as its routes are known in the route table.
  std::uint64_t serial() const noexcept { return serial_; }

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return kind_; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return services_.io; }
  sdk::Logger& log() noexcept override { return log_; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return services_.documents; }
  sdk::Coordination& coordination() noexcept override { return services_.coordination; }
  sdk::NotificationService& notifications() noexcept override { return services_.pipeline; }
  sdk::CheckService& checks() noexcept override { return checks_; }
  sdk::RouteRegistry& routes() noexcept override { return routes_; }
  sdk::Metrics& metrics() noexcept override { return services_.metrics; }
  const sdk::DaemonInfo& daemon() const noexcept override { return services_.info; }
  bool is_admin(std::string_view user) const noexcept override { return services_.users.is_admin(user); }
  const sdk::Users& users() const noexcept override { return services_.users; }
  void recipient_reachable(std::string_view user) noexcept override {
    services_.pipeline.recipient_reachable(name_, user);
  }

 private:
  std::string name_;
  sdk::Kind kind_;
  sdk::PluginConfig config_;
  HostServices& services_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  PluginCheckService checks_;
  std::uint64_t serial_;
  InstanceRoutes routes_;
  PrefixedLogger log_;

  static std::uint64_t next_serial() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
  }
};

}  // namespace notifyd::core
