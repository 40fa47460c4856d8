#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "channel_leadership.hpp"
#include "check_runner.hpp"
#include "event_loop.hpp"
#include "local_coordination.hpp"
#include "native_check_provider.hpp"
#include "log_sink.hpp"
#include "metrics_registry.hpp"
#include "notification_store.hpp"
#include "pipeline.hpp"
#include "plugin_host.hpp"
#include "prepared_config.hpp"
#include "route_table.hpp"
#include "systemd_notifier.hpp"
#include "user_directory.hpp"

namespace notifyd::core {

/// The running host: owns the io_context, the store, the pipeline and the
/// plugin instances, and drives their lifecycle.
///
/// Start: open the store → create and configure every plugin → start the
/// pipeline → start channels, checks, triggers, then front-ends → campaign
/// for the lease of each `one_replica` channel, whose outbox delivers only
/// while it is held (`ChannelLeadership`).
/// Stop (first SIGINT/SIGTERM): front-ends, triggers and checks stop → the
/// pipeline lets in-flight deliveries finish → channels stop → the store
/// commits the deliveries' results → the leases are released, all within
/// `shutdown_timeout` → the loop's threads return → the objects are
/// destroyed in the order their declarations give (below) → libraries are
/// unloaded. A second signal exits at once.
/// Reload (SIGHUP): a plugin instance whose table did not change keeps
/// running untouched; a changed or removed one is stopped and retired (its
/// routes and check providers forgotten, the object kept until exit); a new
/// one is created and started. A change the running host cannot take in place
/// (`[daemon]` other than logging, `[pipeline]`, `[checks]`, `[[check]]`
/// tables, or a channel) makes `run` return `reload_requested` instead, and
/// the caller builds a new Daemon; the metrics, owned by the caller, carry over.
class Daemon {
 public:
  Daemon(PreparedConfig config, LogSink& log_sink, MetricsRegistry& metrics);

  /// What `run` returns when SIGHUP asked for a reload with a valid config.
  static constexpr int reload_requested = -1;

  /// Runs until stopped; the process exit code, or `reload_requested`.
  int run();
  /// Creates and configures every plugin and check without starting them
  /// (`--check-config`): what each one's configure() refuses, located in the
  /// config file. Every plugin is configured even when an earlier one refused.
  ConfigErrors check_plugins();
  /// The validated config a reload asked for (after `run` returned `reload_requested`).
  PreparedConfig take_reloaded_config() { return std::move(*reloaded_); }

 private:
  struct Instance {
    PreparedPlugin prepared;
    std::unique_ptr<PluginHost> host;
    PluginPtr plugin;
    bool retired = false;  ///< stopped for good by a reload; destroyed at exit
  };

  /// Opens the store and creates the pipeline, the check service and every plugin.
  bool assemble();
  bool create_plugins();
  bool create_checks();
  /// Creates and configures one instance; nullptr (logged) when it is refused.
  Instance* create_instance(const PreparedPlugin& prepared, sdk::Kind kind);
  bool start_plugins();
  void wait_for_signals();
  void begin_shutdown(const char* reason);
  void reload();
  /// True when `next` differs from the running config in what only a new
  /// Daemon can take.
  bool needs_restart(const PreparedConfig& next) const;
  void reload_in_place(PreparedConfig next);
  void keep_watchdog_fed();
  void stop_group(std::vector<Instance*> group, std::function<void()> done);
  void finish_shutdown();
  /// The running (not retired) instances of `kinds`, in that order of kinds.
  std::vector<Instance*> instances_of(std::initializer_list<sdk::Kind> kinds);

  /// The host's own I/O objects on the loop; all shutdown state lives on `strand`.
  struct Control {
    explicit Control(EventLoop& loop);
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    boost::asio::signal_set signals;
    boost::asio::steady_timer shutdown_deadline;
    boost::asio::steady_timer watchdog;
  };

  // Members are destroyed in reverse order of declaration, and that order is
  // the teardown: the threads that post to the loop are joined (store writer,
  // native-check workers), then every handler still queued is destroyed while
  // everything it may touch exists, then plugin objects, then the host's
  // services, then the loop, and the plugin libraries unload last (config_).
  PreparedConfig config_;
  LogSink& log_sink_;
  PrefixedLogger log_;
  EventLoop loop_;
  Control control_;
  bool shutting_down_ = false;  // on control_.strand, as are the two below
  bool reloading_ = false;      ///< plugins are being replaced by a reload
  bool reload_again_ = false;   ///< SIGHUP arrived during that reload
  std::atomic<bool> finished_{false};
  std::optional<PreparedConfig> reloaded_;
  SystemdNotifier systemd_;
  int exit_code_ = 0;
  ConfigErrors* check_errors_ = nullptr;  // set while check_plugins() runs

  UserDirectory users_;
  PrefixedLogger cluster_log_;
  std::unique_ptr<sdk::Coordination> coordination_;  ///< its documents too; its threads post to the loop
  MetricsRegistry& metrics_;
  RouteTable routes_;
  PrefixedLogger store_log_;
  PrefixedLogger pipeline_log_;
  PrefixedLogger checks_log_;
  std::unique_ptr<Pipeline> pipeline_;
  MetricsRegistry::Collection queue_depths_;
  std::unique_ptr<CheckRunner> checks_;
  std::unique_ptr<HostServices> services_;
  std::deque<Instance> instances_;  // a deque: Instance* stay valid as instances are added
  /// The `one_replica` channels' leases; released once the channels stopped.
  std::vector<std::unique_ptr<ChannelLeadership>> leaderships_;
  HandlerAbandonment abandonment_{loop_};
  std::unique_ptr<NativeCheckProvider> native_checks_;
  std::unique_ptr<NotificationStore> store_;
};

}  // namespace notifyd::core
