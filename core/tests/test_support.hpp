#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "check_runner.hpp"
#include "event_loop.hpp"
#include "local_coordination.hpp"
#include "log_sink.hpp"
#include "metrics_registry.hpp"
#include "notification_store.hpp"
#include "pipeline.hpp"
#include "sqlite_notification_store.hpp"
#include "plugin_host.hpp"
#include "route_table.hpp"
#include "user_directory.hpp"

namespace notifyd::test {

/// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to `name` inside the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

/// The host services a plugin or pipeline needs, over a temp data directory.
/// Pipeline settings that accept any well-formed recipient: tests send to
/// users ("alice") this machine does not have.
core::PipelineSettings made_up_recipients();

struct TestServices {
  /// Services over `data_dir`, or over a fresh temp directory when it is empty.
  explicit TestServices(core::PipelineSettings settings = made_up_recipients(), std::filesystem::path data_dir = {});

  /// Runs the io_context until `done()` is true or `timeout` passes; true when done.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// A host for a plugin instance named `name` of `kind` with `config`.
  std::unique_ptr<core::PluginHost> host(const std::string& name, sdk::Kind kind, sdk::PluginConfig config = {});

  // Destroyed in reverse order, as the daemon's own services are: the
  // store's writer joined, queued handlers abandoned, then the rest.
  TempDir dir;
  std::filesystem::path data;
  core::PipelineSettings settings;
  core::CheckSettings check_settings;
  core::EventLoop io;
  core::LogSink sink;
  core::PrefixedLogger log{sink, "test"};
  core::LocalCoordination coordination{data, {}, "", std::chrono::seconds(10)};
  sdk::DocumentStore& documents = coordination.documents();
  core::MetricsRegistry metrics;
  core::RouteTable routes;
  core::UserDirectory users{""};
  std::unique_ptr<core::Pipeline> pipeline;
  std::unique_ptr<core::CheckRunner> checks;
  std::unique_ptr<core::HostServices> services;
  core::HandlerAbandonment abandonment{io};
  std::unique_ptr<core::NotificationStore> store;
};

}  // namespace notifyd::test
