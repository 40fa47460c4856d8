#pragma once
// Fakes and helpers of the socket front-end's tests; the ones every plugin's
// tests use come from notifyd/testing.

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/http_client.hpp"
#include "notifyd/testing/png_bytes.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/temp_dir.hpp"
#include "socket_settings.hpp"

namespace notifyd::socket_api::testing {

using notifyd::testing::png_bytes;
using notifyd::testing::RawResponse;
using notifyd::testing::TempDir;

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  return notifyd::testing::plugin_config(describe_socket_settings, overrides);
}

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

/// The shared fake host as a front-end instance named "api" sees it.
class FakeHost : public notifyd::testing::FakeHost<FakeNotifications> {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : notifyd::testing::FakeHost<FakeNotifications>(io, std::move(config), sdk::Kind::frontend, "api") {}
};

/// A client of the front-end's unix socket; request bodies are sent as JSON.
class TestClient : public notifyd::testing::HttpClient {
 public:
  explicit TestClient(const std::filesystem::path& path, int timeout_ms = 5000) : HttpClient(path, timeout_ms) {
    body_type = "application/json";
  }
};

}  // namespace notifyd::socket_api::testing
