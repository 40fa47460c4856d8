#pragma once

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "check_runner.hpp"
#include "file_document_store.hpp"
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
/// pipeline → start channels, checks, triggers, then front-ends.
/// Stop (first SIGINT/SIGTERM): front-ends, triggers and checks stop → the
/// pipeline lets in-flight deliveries finish → channels stop, all within
/// `shutdown_timeout` → the io_context drains → plugin objects are dropped →
/// libraries are unloaded. A second signal exits at once.
class Daemon {
 public:
  Daemon(PreparedConfig config, LogSink& log_sink);
  ~Daemon();

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
  void keep_watchdog_fed();
  void stop_group(std::vector<Instance*> group, std::function<void()> done);
  void finish_shutdown();
  std::vector<Instance*> instances_of(std::initializer_list<sdk::Kind> kinds);

  /// The io_context and the host's own I/O objects on it, destroyed together
  /// (members in reverse order, the io_context last).
  struct EventLoop {
    explicit EventLoop(unsigned threads);
    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
    boost::asio::strand<boost::asio::io_context::executor_type> control;  // shutdown state lives here
    boost::asio::signal_set signals;
    boost::asio::steady_timer shutdown_deadline;
    boost::asio::steady_timer watchdog;
  };

  PreparedConfig config_;  // declared first: the plugin libraries unload last
  LogSink& log_sink_;
  PrefixedLogger log_;
  std::unique_ptr<EventLoop> loop_;
  bool shutting_down_ = false;
  std::optional<PreparedConfig> reloaded_;
  SystemdNotifier systemd_;
  bool finished_ = false;
  int exit_code_ = 0;
  ConfigErrors* check_errors_ = nullptr;  // set while check_plugins() runs

  UserDirectory users_;
  FileDocumentStore documents_;
  MetricsRegistry metrics_;
  RouteTable routes_;
  PrefixedLogger store_log_;
  PrefixedLogger pipeline_log_;
  std::unique_ptr<NotificationStore> store_;
  std::unique_ptr<Pipeline> pipeline_;
  PrefixedLogger checks_log_;
  std::unique_ptr<CheckRunner> checks_;
  std::unique_ptr<NativeCheckProvider> native_checks_;
  std::unique_ptr<HostServices> services_;
  std::vector<Instance> instances_;
};

}  // namespace notifyd::core
