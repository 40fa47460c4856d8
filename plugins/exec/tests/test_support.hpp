#pragma once
// Fakes and helpers shared by the exec plugin's tests.

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
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
#include <boost/asio/strand.hpp>

#include "exec_settings.hpp"
#include "notifyd/sdk/host.hpp"
#include "script_process.hpp"

namespace notifyd::exec::testing {

/// A fresh directory under /tmp, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nd-exec-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    char* real = ::realpath(pattern, nullptr);
    path_ = real;
    std::free(real);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `path` with permission bits `mode`.
inline void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode = 0644) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

/// The name of the user running the tests.
inline std::string current_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (!entry) throw std::runtime_error("the test's user has no passwd entry");
  return entry->pw_name;
}

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  sdk::ConfigSchema schema;
  describe_exec_settings(schema);
  std::map<std::string, sdk::ConfigValue, std::less<>> values;
  for (const auto& key : schema.keys()) values[key.name] = key.default_value;
  std::vector<std::string> set;
  for (const auto& [name, value] : overrides) {
    if (!schema.find(name)) throw std::logic_error("undeclared key in test: " + name);
    values[name] = value;
    set.push_back(name);
  }
  return sdk::PluginConfig(std::move(values), std::move(set));
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

/// Supervises `child` until it reports (at most 30 s); `during` may act on it meanwhile.
inline std::optional<sdk::CheckExecution> supervise(SpawnedChild child, ProcessLimits limits,
                                                    const std::function<void(ScriptProcess&)>& during = {}) {
  IoThread io;
  auto process = std::make_shared<ScriptProcess>(io.io, std::move(child), limits);
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

/// Collects log lines.
class FakeLogger : public sdk::Logger {
 public:
  void write(sdk::LogLevel, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  int count(std::string_view text) const {
    int n = 0;
    for (const auto& line : lines()) n += line.find(text) != std::string::npos;
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

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

/// A host around a test's io_context; only what the exec plugin uses works.
class FakeHost : public sdk::Host {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : io_(io), strand_(boost::asio::make_strand(io)), config_(std::move(config)) {}

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return sdk::Kind::trigger; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { std::abort(); }
  sdk::NotificationService& notifications() noexcept override { std::abort(); }
  sdk::CheckService& checks() noexcept override { return check_service; }
  sdk::RouteRegistry& routes() noexcept override { std::abort(); }
  sdk::Metrics& metrics() noexcept override { std::abort(); }
  const sdk::DaemonInfo& daemon() const noexcept override { return info_; }
  bool is_admin(std::string_view) const noexcept override { return false; }

  FakeLogger logger;
  FakeCheckService check_service;

 private:
  boost::asio::io_context& io_;
  boost::asio::any_io_executor strand_;
  sdk::PluginConfig config_;
  sdk::DaemonInfo info_;
  std::string name_ = "scripts";
};

}  // namespace notifyd::exec::testing
