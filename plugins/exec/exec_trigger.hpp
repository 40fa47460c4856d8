#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "exec_settings.hpp"
#include "notifyd/sdk/check_service.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "script_catalog.hpp"
#include "script_discovery.hpp"
#include "script_runner.hpp"

namespace notifyd::exec {

/// The exec trigger: finds users' check scripts, offers them to the host as
/// checks, and runs them as their owners when the host asks. Lifecycle calls
/// run on the plugin's executor (through NOTIFYD_PLUGIN's adapter, which turns
/// what they throw into a failed Status); `list_checks` and `execute` on any thread.
class ExecTrigger final : public sdk::CheckProvider {
 public:
  explicit ExecTrigger(sdk::Host& host);
  ~ExecTrigger() override;

  /// Declares the config keys (users, pattern, interpreter, limits, environment).
  static void describe(sdk::ConfigSchema& schema);

  /// Validates the settings and registers this plugin as a check provider.
  sdk::Status configure();
  /// Lists every user's scripts once, then again every `rescan_interval`.
  sdk::Status start();
  /// Stops rescanning, stops running scripts (SIGTERM, then SIGKILL) and
  /// calls `done` once every child is reaped.
  void stop(std::function<void()> done);

  /// The scripts found by the last scan.
  std::vector<sdk::CheckDefinition> list_checks() noexcept override;
  /// Runs the script behind `check` as its owner; never blocks.
  void execute(const sdk::CheckDefinition& check, std::uint64_t run_id,
               std::function<void(sdk::CheckExecution)> done) noexcept override;

 private:
  void apply(DiscoveryReport report);
  void schedule_rescan();

  sdk::Host& host_;
  std::unique_ptr<ExecSettings> settings_;
  std::unique_ptr<ScriptDiscovery> discovery_;
  ScriptCatalog catalog_;
  std::unique_ptr<ScriptRunner> runner_;
  boost::asio::steady_timer rescan_timer_;
  std::atomic<bool> stopping_{false};
};

}  // namespace notifyd::exec
