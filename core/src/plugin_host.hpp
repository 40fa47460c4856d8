#pragma once

#include <boost/asio/strand.hpp>

#include "file_document_store.hpp"
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
  FileDocumentStore& documents;
  Pipeline& pipeline;
  RouteTable& routes;
  MetricsRegistry& metrics;
  const UserDirectory& users;
  sdk::DaemonInfo info;
};

/// `sdk::Host` for one plugin instance: its own strand, logger and config
/// over the shared services.
class PluginHost final : public sdk::Host {
 public:
  PluginHost(std::string name, sdk::Kind kind, sdk::PluginConfig config, HostServices& services)
      : name_(std::move(name)),
        kind_(kind),
        config_(std::move(config)),
        services_(services),
        strand_(boost::asio::make_strand(services.io)),
        log_(services.log_sink, std::string(sdk::kind_name(kind)) + ":" + name_) {}

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return kind_; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return services_.io; }
  sdk::Logger& log() noexcept override { return log_; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return services_.documents; }
  sdk::NotificationService& notifications() noexcept override { return services_.pipeline; }
  sdk::RouteRegistry& routes() noexcept override { return services_.routes; }
  sdk::Metrics& metrics() noexcept override { return services_.metrics; }
  const sdk::DaemonInfo& daemon() const noexcept override { return services_.info; }
  bool is_admin(std::string_view user) const noexcept override { return services_.users.is_admin(user); }

 private:
  std::string name_;
  sdk::Kind kind_;
  sdk::PluginConfig config_;
  HostServices& services_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  PrefixedLogger log_;
};

}  // namespace notifyd::core
