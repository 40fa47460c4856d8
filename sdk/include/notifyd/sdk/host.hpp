#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/document_store.hpp"
#include "notifyd/sdk/http.hpp"
#include "notifyd/sdk/kind.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/notification_service.hpp"
#include "notifyd/sdk/users.hpp"

namespace notifyd::sdk {

/// Daemon-wide facts a plugin may need.
struct DaemonInfo {
  std::filesystem::path data_dir;   ///< absolute data directory
  std::string admin_group;          ///< Unix group whose members may act for others; empty = none
  std::string version;              ///< notifyd version string
};

/// Everything the host offers one plugin instance. Handed to the plugin's
/// constructor; outlives the plugin. All members are safe from any thread.
class Host {
 public:
  virtual ~Host() = default;
  /// This instance's name from `[[plugin]] name = ...`.
  virtual const std::string& instance_name() const noexcept = 0;
  /// This instance's kind.
  virtual Kind kind() const noexcept = 0;
  /// A strand on the host's io_context that belongs to this plugin. Lifecycle
  /// calls and `Channel::deliver` run on it; arm timers and sockets on it.
  virtual boost::asio::any_io_executor executor() noexcept = 0;
  /// The host's io_context, for making further strands (one per connection).
  virtual boost::asio::io_context& io_context() noexcept = 0;
  /// Logger whose lines are prefixed `kind:name`.
  virtual Logger& log() noexcept = 0;
  /// The validated config of this instance.
  virtual const PluginConfig& config() const noexcept = 0;
  /// Small shared documents: atomic files in the data directory, or rows in
  /// the replicas' database.
  virtual DocumentStore& documents() noexcept = 0;
  /// Leases, keys with a time to live and doorbells shared by the replicas.
  virtual Coordination& coordination() noexcept = 0;
  /// The delivery pipeline: publish notifications, read history.
  virtual NotificationService& notifications() noexcept = 0;
  /// The checks: register a provider, run one, read run history.
  virtual CheckService& checks() noexcept = 0;
  /// The route table shared by all plugins and front-ends.
  virtual RouteRegistry& routes() noexcept = 0;
  /// Metric counters and gauges.
  virtual Metrics& metrics() noexcept = 0;
  /// Daemon-wide settings.
  virtual const DaemonInfo& daemon() const noexcept = 0;
  /// True when `user` is root or a member of the configured admin group
  /// (the same answer as `users().is_admin(user)`).
  virtual bool is_admin(std::string_view user) const noexcept = 0;
  /// The system's users: uid and name lookups, admin membership.
  virtual const Users& users() const noexcept = 0;
  /// Called by a channel when `user` has just become reachable through it
  /// (their app connected): this channel's outbox sends that user's pending
  /// deliveries at once, oldest first, instead of at their next retry. Call it
  /// after `deliver` can reach the user, from the plugin's executor, so every
  /// attempt that failed before has been reported. No effect for plugins that
  /// are not channels. Safe from any thread; never blocks.
  virtual void recipient_reachable(std::string_view user) noexcept = 0;
};

}  // namespace notifyd::sdk
