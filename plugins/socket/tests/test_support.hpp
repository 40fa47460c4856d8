#pragma once
// Fakes and helpers shared by the socket front-end's tests.

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "notifyd/sdk/host.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api::testing {

/// A fresh directory under /tmp (resolved, so it is a valid photo dir), removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nd-sock-XXXXXX";
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

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  sdk::ConfigSchema schema;
  describe_socket_settings(schema);
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

inline const std::string png_bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

/// A pipeline whose answers the test chooses. Thread-safe.
class FakeNotifications : public sdk::NotificationService {
 public:
  ~FakeNotifications() override {
    for (auto& thread : threads_) thread.join();
  }
  void publish(sdk::PublishRequest request, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    std::lock_guard lock(mutex_);
    published_.push_back(std::move(request));
    if (!answer_publish) return;
    // Answer from another thread, as the real pipeline does.
    threads_.emplace_back([done = std::move(done), outcome = outcome] { done(outcome); });
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override {
    std::lock_guard lock(mutex_);
    last_query_ = query;
    if (history_fails) return sdk::Result<std::vector<sdk::HistoryEntry>>::failure("database is locked");
    return entries;
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t) const noexcept override {
    return sdk::Result<sdk::HistoryEntry>::failure("not found");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return channels; }

  std::vector<sdk::PublishRequest> published() const {
    std::lock_guard lock(mutex_);
    return published_;
  }
  std::optional<sdk::HistoryQuery> last_query() const {
    std::lock_guard lock(mutex_);
    return last_query_;
  }

  // Set before the code under test runs.
  sdk::PublishOutcome outcome{sdk::PublishOutcome::Code::accepted, 42, {"bot", "desk"}, ""};
  bool answer_publish = true;
  bool history_fails = false;
  std::vector<sdk::HistoryEntry> entries;
  std::vector<sdk::ChannelHealth> channels;

 private:
  mutable std::mutex mutex_;
  std::vector<sdk::PublishRequest> published_;
  mutable std::optional<sdk::HistoryQuery> last_query_;
  std::vector<std::thread> threads_;
};

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
  bool contains(std::string_view text) const {
    for (const auto& line : lines()) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

/// Counters and gauges by name and labels.
class FakeMetrics : public sdk::Metrics {
 public:
  sdk::Counter& counter(std::string_view name, std::string_view, sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = counters_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Counter>();
    return *slot;
  }
  sdk::Gauge& gauge(std::string_view name, std::string_view, sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = gauges_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Gauge>();
    return *slot;
  }
  sdk::Histogram& histogram(std::string_view name, std::string_view, std::vector<double> bounds,
                            sdk::MetricLabels labels) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = histograms_[key(name, labels)];
    if (!slot) slot = std::make_unique<sdk::Histogram>(std::move(bounds));
    return *slot;
  }
  std::string render() const noexcept override { return {}; }
  /// The count of `name` for the instance the fake host names, plus `labels`.
  std::uint64_t count(const std::string& name, sdk::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"instance", instance});
    return counter(name, "", std::move(labels)).value();
  }
  std::int64_t level(const std::string& name) { return gauge(name, "", {{"instance", instance}}).value(); }
  std::string instance = "api";

 private:
  static std::string key(std::string_view name, const sdk::MetricLabels& labels) {
    std::string k(name);
    for (const auto& [label, value] : labels) k += "," + label + "=" + value;
    return k;
  }
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<sdk::Counter>> counters_;
  std::map<std::string, std::unique_ptr<sdk::Gauge>> gauges_;
  std::map<std::string, std::unique_ptr<sdk::Histogram>> histograms_;
};

/// Exact and prefix routes, as the host's table matches them.
class FakeRoutes : public sdk::RouteRegistry {
 public:
  sdk::Status add(sdk::Route route) noexcept override {
    std::lock_guard lock(mutex_);
    routes_.push_back(std::make_unique<sdk::Route>(std::move(route)));
    return sdk::Status::success();
  }
  Match find(sdk::Surface surface, std::string_view method, std::string_view path) const noexcept override {
    std::lock_guard lock(mutex_);
    Match match;
    for (const auto& route : routes_) {
      if (!(route->surfaces & surface)) continue;
      std::vector<std::string> params;
      if (route->prefix) {
        if (path.size() <= route->path.size() + 1 || !path.starts_with(route->path) || path[route->path.size()] != '/') {
          continue;
        }
        params.emplace_back(path.substr(route->path.size() + 1));
      } else if (route->path != path) {
        continue;
      }
      if (route->method != method) {
        match.path_known = true;
        continue;
      }
      match.route = route.get();
      match.path_params = std::move(params);
      return match;
    }
    return match;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<sdk::Route>> routes_;
};

class FakeDocuments : public sdk::DocumentStore {
 public:
  sdk::Result<std::optional<std::string>> read(std::string_view) const noexcept override {
    return std::optional<std::string>{};
  }
  sdk::Status write(std::string_view, std::string_view) noexcept override { return sdk::Status::success(); }
  sdk::Status remove(std::string_view) noexcept override { return sdk::Status::success(); }
  const std::filesystem::path& root() const noexcept override { return root_; }

 private:
  std::filesystem::path root_ = "/nonexistent";
};

/// A check service with no checks: the socket front-end never uses it directly.
class NoChecks final : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view) const noexcept override { return {}; }
  void run(std::string_view, std::string_view name, std::string,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    done(sdk::Result<sdk::RunRecord>::failure("no check named " + std::string(name)));
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view, std::string_view, std::uint32_t) const noexcept override {
    return std::vector<sdk::RunRecord>{};
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}
};

/// A host around a test's io_context.
class FakeHost : public sdk::Host {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : io_(io), strand_(boost::asio::make_strand(io)), config_(std::move(config)) {}

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return sdk::Kind::frontend; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::NotificationService& notifications() noexcept override { return notifications_service; }
  sdk::RouteRegistry& routes() noexcept override { return route_table; }
  sdk::CheckService& checks() noexcept override { return no_checks; }
  sdk::Metrics& metrics() noexcept override { return metric_registry; }
  const sdk::DaemonInfo& daemon() const noexcept override { return info_; }
  bool is_admin(std::string_view user) const noexcept override { return admins.count(std::string(user)) > 0; }

  FakeLogger logger;
  FakeNotifications notifications_service;
  FakeRoutes route_table;
  FakeMetrics metric_registry;
  std::set<std::string> admins;

 private:
  boost::asio::io_context& io_;
  boost::asio::any_io_executor strand_;
  sdk::PluginConfig config_;
  FakeDocuments documents_;
  sdk::DaemonInfo info_;
  NoChecks no_checks;
  std::string name_ = "api";
};

/// One HTTP response as a client read it.
struct RawResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
};

/// A blocking unix-socket client with a receive timeout.
class TestClient {
 public:
  explicit TestClient(const std::filesystem::path& path, int timeout_ms = 5000) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error("connect: " + std::string(std::strerror(error)));
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// Reads one response; nullopt when the connection ends or times out first.
  std::optional<RawResponse> read_response() {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse response;
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    response.status = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers[name] = value;
    }
    const auto length_it = response.headers.find("content-length");
    const std::size_t length = length_it == response.headers.end() ? 0 : std::stoul(length_it->second);
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  /// True when the server closes the connection (read returns 0 or a reset) before the timeout.
  bool closed_by_server() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  /// Sends one request and reads its response.
  std::optional<RawResponse> request(const std::string& method, const std::string& target, const std::string& body = {},
                                     const std::string& extra_headers = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
    if (!body.empty() || method == "POST") {
      text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "\r\n" + body;
    send(text);
    return read_response();
  }

 private:
  bool fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace notifyd::socket_api::testing
