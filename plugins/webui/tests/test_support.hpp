#pragma once
// Fakes and helpers of the web dashboard's tests; the ones every plugin's tests
// use come from notifyd/testing.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/http_client.hpp"
#include "notifyd/testing/png_bytes.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/temp_dir.hpp"
#include "session_store.hpp"
#include "webui_settings.hpp"

namespace notifyd::webui::testing {

using notifyd::testing::png_bytes;
using notifyd::testing::RawResponse;
using notifyd::testing::TempDir;
/// A client of the dashboard on 127.0.0.1.
using TcpClient = notifyd::testing::HttpClient;

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  return notifyd::testing::plugin_config(describe_web_settings, overrides);
}

/// Validated settings from `overrides`; throws when they are refused.
inline WebSettings make_settings(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  auto settings = read_web_settings(make_config(overrides), "daemon");
  if (!settings) throw std::logic_error("settings refused: " + settings.error());
  return std::move(settings).value();
}

/// A wall clock the test sets.
struct ManualClock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::hours(500'000));
  WallClock function() {
    return [this] { return now; };
  }
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

/// The shared fake host as a front-end instance named "web" sees it.
class FakeHost : public notifyd::testing::FakeHost<FakeNotifications, FakeChecks> {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : notifyd::testing::FakeHost<FakeNotifications, FakeChecks>(io, std::move(config), sdk::Kind::frontend, "web") {
    info.version = "0.0-test";
  }
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

}  // namespace notifyd::webui::testing
