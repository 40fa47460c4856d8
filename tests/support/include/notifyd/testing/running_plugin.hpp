#pragma once
// A plugin configured and started on a fake host whose io_context runs on two
// threads, as the daemon may run it, and stopped on its executor at the end.

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include "notifyd/sdk/config.hpp"

namespace notifyd::testing {

/// True once `condition()` is; gives up after about 5 s (10 ms between tries).
template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

/// `Plugin` (built from `Host&`, with `configure()`, `start()` and
/// `stop(done)` returning what the kind's interface returns) on a `Host` made
/// from the io_context and `config` (its other constructor arguments follow).
/// Construction REQUIREs configure and start to succeed; destruction stops
/// the plugin, waits for its connections to end and joins the threads.
template <class Plugin, class Host>
class RunningPlugin {
 public:
  template <class... HostArguments>
  explicit RunningPlugin(sdk::PluginConfig config, HostArguments&&... host_arguments) {
    host_.emplace(io_, std::move(config), std::forward<HostArguments>(host_arguments)...);
    plugin_.emplace(*host_);
    const auto configured = plugin_->configure();
    INFO(configured.message);
    REQUIRE(configured.ok);
    const auto started = plugin_->start();
    INFO(started.message);
    REQUIRE(started.ok);
    for (int i = 0; i < 2; ++i) runners_.emplace_back([this] { io_.run(); });
  }

  ~RunningPlugin() {
    stop();
    work_.reset();
    if (!eventually([this] { return io_.stopped(); })) io_.stop();
    for (auto& runner : runners_) runner.join();
  }

  RunningPlugin(const RunningPlugin&) = delete;
  RunningPlugin& operator=(const RunningPlugin&) = delete;

  /// Stops the plugin on its executor; true when it called `done` within 5 s.
  bool stop() {
    if (stopped_) return true;
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    boost::asio::post(host_->executor(), [this, done] { plugin_->stop([done] { done->set_value(); }); });
    return finished.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  }

  Host& host() { return *host_; }
  Plugin& plugin() { return *plugin_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::optional<Host> host_;
  std::optional<Plugin> plugin_;
  std::vector<std::thread> runners_;
  bool stopped_ = false;
};

}  // namespace notifyd::testing
