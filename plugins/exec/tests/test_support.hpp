#pragma once
// Fakes and helpers of the exec plugin's tests; the ones every plugin's tests
// use come from notifyd/testing.

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "exec_settings.hpp"
#include "notifyd/sdk/host.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/temp_dir.hpp"
#include "script_process.hpp"

namespace notifyd::exec::testing {

using notifyd::testing::TempDir;

/// Writes `text` to `path` with permission bits `mode`.
inline void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode = 0644) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

/// The whole content of `path` (empty when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The name of the user running the tests.
inline std::string current_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (!entry) throw std::runtime_error("the test's user has no passwd entry");
  return entry->pw_name;
}

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  return notifyd::testing::plugin_config(describe_exec_settings, overrides);
}

/// Runs an io_context on a thread for the lifetime of the object.
class IoThread {
 public:
  IoThread() : guard_(io.get_executor()), thread_([this] { io.run(); }) {}
  ~IoThread() {
    guard_.reset();
    thread_.join();
  }
  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

/// A value delivered by a callback on another thread.
template <class T>
class Awaited {
 public:
  void set(T value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    ++calls_;
    ready_.notify_all();
  }
  /// The value, or nullopt after `timeout`.
  std::optional<T> wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return value_.has_value(); });
    return value_;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<T> value_;
  int calls_ = 0;
};

/// Limits short enough for tests: the given timeout, 300 ms of grace and drain.
inline ProcessLimits quick_limits(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  ProcessLimits limits;
  limits.timeout = timeout;
  limits.kill_grace = std::chrono::milliseconds(300);
  limits.drain = std::chrono::milliseconds(300);
  return limits;
}

/// Supervises `child` until it reports (at most 30 s); `during` may act on it
/// meanwhile; `processes` are the run's, ended before it reports.
inline std::optional<sdk::CheckExecution> supervise(SpawnedChild child, ProcessLimits limits,
                                                    const std::function<void(ScriptProcess&)>& during = {},
                                                    std::unique_ptr<RunProcesses> processes = nullptr) {
  IoThread io;
  auto process = std::make_shared<ScriptProcess>(io.io, std::move(child), limits, std::move(processes));
  Awaited<sdk::CheckExecution> result;
  process->start([&](sdk::CheckExecution execution) { result.set(std::move(execution)); });
  if (during) during(*process);
  auto execution = result.wait(std::chrono::seconds(30));
  process.reset();
  if (result.calls() > 1) throw std::logic_error("a run reported more than once");
  return execution;
}

/// True while a process with `pid` exists and is not a zombie.
inline bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

/// True once `pid` is gone or a zombie, waiting up to `timeout`: a SIGKILL
/// takes effect shortly after kill() returns.
inline bool process_ends(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process_alive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// Records the providers registered with it; nothing else is used by the plugin.
class FakeCheckService : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider& provider) noexcept override { providers.push_back(&provider); }
  std::vector<sdk::CheckStatus> checks(std::string_view) const noexcept override { return {}; }
  void run(std::string_view, std::string_view, std::string, std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    done(sdk::Result<sdk::RunRecord>::failure("not in this test"));
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view, std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}

  std::vector<sdk::CheckProvider*> providers;
};

/// The shared fake host as a trigger instance named "scripts" sees it.
class FakeHost : public notifyd::testing::FakeHost<notifyd::testing::NoNotifications, FakeCheckService> {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : notifyd::testing::FakeHost<notifyd::testing::NoNotifications, FakeCheckService>(io, std::move(config),
                                                                                        sdk::Kind::trigger, "scripts") {}
};

}  // namespace notifyd::exec::testing
