#pragma once
// Fakes and helpers shared by the web dashboard's tests.

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
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
#include "webui_settings.hpp"

namespace notifyd::webui::testing {

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  sdk::ConfigSchema schema;
  describe_web_settings(schema);
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

/// Validated settings from `overrides`; throws when they are refused.
inline WebSettings make_settings(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  auto settings = read_web_settings(make_config(overrides), "daemon");
  if (!settings) throw std::logic_error("settings refused: " + settings.error());
  return std::move(settings).value();
}

inline const std::string png_bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

/// A fresh directory under /tmp, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/nd-webui-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
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

/// A stored history the test fills. Thread-safe.
class FakeNotifications : public sdk::NotificationService {
 public:
  void publish(sdk::PublishRequest, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    done(sdk::PublishOutcome{sdk::PublishOutcome::Code::invalid, 0, {}, "not in tests"});
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override {
    std::lock_guard lock(mutex_);
    last_query_ = query;
    std::vector<sdk::HistoryEntry> out;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (!query.user.empty() && it->notification.user != query.user) continue;
      if (query.before_id != 0 && it->notification.id >= query.before_id) continue;
      out.push_back(*it);
      if (out.size() >= query.limit) break;
    }
    return out;
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries) {
      if (entry.notification.id == id) return entry;
    }
    return sdk::Result<sdk::HistoryEntry>::failure("not found");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return {}; }

  /// Adds a notification (ids increase with each call).
  sdk::HistoryEntry& add(std::string user, std::string title, std::string image_path = {}) {
    std::lock_guard lock(mutex_);
    sdk::HistoryEntry entry;
    entry.notification.id = entries.size() + 1;
    entry.notification.user = std::move(user);
    entry.notification.title = std::move(title);
    entry.notification.message = "message " + std::to_string(entries.size() + 1);
    entry.notification.source = "test";
    entry.notification.image_path = std::move(image_path);
    entry.notification.created_at_ms = 1'790'000'000'000;
    entry.deliveries.push_back({"console", "delivered", 1, "", 1'790'000'000'000});
    entries.push_back(std::move(entry));
    return entries.back();
  }
  std::optional<sdk::HistoryQuery> last_query() const {
    std::lock_guard lock(mutex_);
    return last_query_;
  }

  std::vector<sdk::HistoryEntry> entries;

 private:
  mutable std::mutex mutex_;
  mutable std::optional<sdk::HistoryQuery> last_query_;
};

/// Checks the test declares; `run` answers at once with a scripted record.
class FakeChecks final : public sdk::CheckService {
 public:
  void add_provider(sdk::CheckProvider&) noexcept override {}
  std::vector<sdk::CheckStatus> checks(std::string_view user) const noexcept override {
    std::vector<sdk::CheckStatus> out;
    for (const auto& status : statuses) {
      if (user.empty() || status.definition.user == user) out.push_back(status);
    }
    return out;
  }
  void run(std::string_view user, std::string_view name, std::string trigger,
           std::function<void(sdk::Result<sdk::RunRecord>)> done) noexcept override {
    sdk::RunRecord record;
    record.check = std::string(name);
    record.user = std::string(user);
    record.trigger = std::move(trigger);
    record.outcome = "quiet";
    done(record);
  }
  sdk::Result<std::vector<sdk::RunRecord>> runs(std::string_view user, std::string_view name,
                                                std::uint32_t limit) const noexcept override {
    std::vector<sdk::RunRecord> out;
    for (const auto& run : run_records) {
      if (run.user == user && (name.empty() || run.check == name) && out.size() < limit) out.push_back(run);
    }
    return out;
  }
  void set_next_run(std::string_view, std::string_view, std::int64_t) noexcept override {}

  std::vector<sdk::CheckStatus> statuses;
  std::vector<sdk::RunRecord> run_records;
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
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_) {
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

/// Exact and prefix routes, matched as the host's table matches them
/// (a prefix route's rest is split into segments).
class FakeRoutes : public sdk::RouteRegistry {
 public:
  sdk::Status add(sdk::Route route) noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& existing : routes_) {
      if (existing->method == route.method && existing->path == route.path && (existing->surfaces & route.surfaces)) {
        return sdk::Status::failure("route " + route.method + " " + route.path + " is already registered");
      }
    }
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
        std::string_view rest = path.substr(route->path.size() + 1);
        while (!rest.empty()) {
          const auto slash = rest.find('/');
          params.emplace_back(rest.substr(0, slash));
          if (slash == std::string_view::npos) break;
          rest.remove_prefix(slash + 1);
        }
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

/// A host around a test's io_context.
class FakeHost : public sdk::Host {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : io_(io), strand_(boost::asio::make_strand(io)), config_(std::move(config)) {
    info_.version = "0.0-test";
  }

  const std::string& instance_name() const noexcept override { return name_; }
  sdk::Kind kind() const noexcept override { return sdk::Kind::frontend; }
  boost::asio::any_io_executor executor() noexcept override { return strand_; }
  boost::asio::io_context& io_context() noexcept override { return io_; }
  sdk::Logger& log() noexcept override { return logger; }
  const sdk::PluginConfig& config() const noexcept override { return config_; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::NotificationService& notifications() noexcept override { return history; }
  sdk::RouteRegistry& routes() noexcept override { return route_table; }
  sdk::CheckService& checks() noexcept override { return check_service; }
  sdk::Metrics& metrics() noexcept override { return metric_registry; }
  const sdk::DaemonInfo& daemon() const noexcept override { return info_; }
  bool is_admin(std::string_view user) const noexcept override { return admins.count(std::string(user)) > 0; }

  FakeLogger logger;
  FakeNotifications history;
  FakeChecks check_service;
  FakeRoutes route_table;
  FakeMetrics metric_registry;
  std::set<std::string> admins;

 private:
  boost::asio::io_context& io_;
  boost::asio::any_io_executor strand_;
  sdk::PluginConfig config_;
  FakeDocuments documents_;
  sdk::DaemonInfo info_;
  std::string name_ = "web";
};

/// Waits for one response handed to a Responder (from any thread).
class ResponseCatcher {
 public:
  sdk::Responder responder() {
    return [this](sdk::HttpResponse response) {
      std::lock_guard lock(mutex_);
      response_ = std::move(response);
      ++calls_;
      ready_.notify_all();
    };
  }
  /// The response, waiting up to 5 s; throws when none came.
  sdk::HttpResponse get() {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, std::chrono::seconds(5), [this] { return response_.has_value(); })) {
      throw std::runtime_error("no response");
    }
    return *response_;
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<sdk::HttpResponse> response_;
  int calls_ = 0;
};

/// The value of response header `name` (case-insensitive), or empty; the first one.
inline std::string header_of(const sdk::HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return value;
    }
  }
  return {};
}

/// Every value of response header `name`.
inline std::vector<std::string> headers_of(const sdk::HttpResponse& response, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      out.push_back(value);
    }
  }
  return out;
}

/// One HTTP response as a client read it.
struct RawResponse {
  unsigned status = 0;
  std::multimap<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// A blocking TCP client on 127.0.0.1 with a receive timeout.
class TcpClient {
 public:
  explicit TcpClient(std::uint16_t port, int timeout_ms = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error("connect: " + std::string(std::strerror(error)));
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~TcpClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

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
    response.status = static_cast<unsigned>(std::stoul(head.substr(9, 3)));
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
      response.headers.emplace(name, value);
    }
    const std::string length_text = response.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  /// True when the server closes the connection before the timeout.
  bool closed_by_server() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  /// Sends one request and reads its response.
  std::optional<RawResponse> request(const std::string& method, const std::string& target, const std::string& body = {},
                                     const std::string& extra_headers = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
    if (!body.empty() || method == "POST") text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
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

}  // namespace notifyd::webui::testing
