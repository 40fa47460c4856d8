#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "notifyd/testing/fake_metrics.hpp"
#include "notifyd/testing/fake_routes.hpp"
#include "notifyd/testing/fake_users.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "notifyd/testing/no_checks.hpp"
#include "notifyd/testing/no_notifications.hpp"

namespace notifyd::testing {

/// A host around a test's io_context, with a strand as the plugin's executor, services
/// the test reads and sets as public members, and the suite's own notification and
/// check services. Its metrics label counters with the instance name.
template <class Notifications = NoNotifications, class Checks = NoChecks>
class FakeHost : public sdk::Host {
 public:
  /// A host for a plugin of `kind` named `instance_name`, configured with `config`.
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config, sdk::Kind kind, std::string instance_name)
      : io_(io),
        strand_(boost::asio::make_strand(io)),
        config_(std::move(config)),
        kind_(kind),
        name_(std::move(instance_name)) {
    metric_registry.instance = name_;
  }

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return kind_; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return documents_store; }
  sdk::Coordination& coordination() noexcept override { return coordination_service; }
  sdk::NotificationService& notifications() noexcept override { return history; }
  sdk::RouteRegistry& routes() noexcept override { return route_table; }
  sdk::CheckService& checks() noexcept override { return check_service; }
  sdk::Metrics& metrics() noexcept override { return metric_registry; }
  const sdk::DaemonInfo& daemon() const noexcept override { return info; }
  bool is_admin(std::string_view user) const noexcept override { return admins.count(std::string(user)) > 0; }
  const sdk::Users& users() const noexcept override { return user_directory; }
  void recipient_reachable(std::string_view user) noexcept override {
    std::lock_guard lock(reachable_mutex_);
    reachable_users_.emplace_back(user);
  }

  /// The users the plugin reported reachable (`recipient_reachable`), in call order.
  std::vector<std::string> reachable_users() const {
    std::lock_guard lock(reachable_mutex_);
    return reachable_users_;
  }

  FakeLogger logger;
  Notifications history;
  Checks check_service;
  FakeRoutes route_table;
  FakeMetrics metric_registry;
  MemoryDocuments documents_store;
  FakeCoordination coordination_service{documents_store};  ///< its documents are `documents_store`
  sdk::DaemonInfo info;           ///< what daemon() answers
  std::set<std::string> admins;  ///< the users is_admin() accepts
  FakeUsers user_directory{admins};  ///< what users() answers; its admins are `admins`

 private:
  boost::asio::io_context& io_;
  boost::asio::any_io_executor strand_;
  sdk::PluginConfig config_;
  sdk::Kind kind_;
  std::string name_;
  mutable std::mutex reachable_mutex_;
  std::vector<std::string> reachable_users_;
};

}  // namespace notifyd::testing
