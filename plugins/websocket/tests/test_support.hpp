#pragma once
// Fakes of the WebSocket channel's tests: a history the test fills, in the
// shared fake host from notifyd/testing.

#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "notifyd/sdk/host.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "websocket_settings.hpp"

namespace notifyd::websocket::testing {

using notifyd::testing::FakeMetrics;
using notifyd::testing::MemoryDocuments;

/// The plugin's config: every declared default, with `overrides` set explicitly.
inline sdk::PluginConfig make_config(const std::map<std::string, sdk::ConfigValue>& overrides = {}) {
  return notifyd::testing::plugin_config(describe_websocket_settings, overrides);
}

/// A history of notifications, newest first as the store answers. Thread-safe.
class FakeNotifications : public sdk::NotificationService {
 public:
  void publish(sdk::PublishRequest, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    done({sdk::PublishOutcome::Code::unavailable, 0, {}, "not in tests"});
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery& query) const noexcept override {
    std::lock_guard lock(mutex_);
    ++queries;
    if (fails) return sdk::Result<std::vector<sdk::HistoryEntry>>::failure("database is locked");
    std::vector<sdk::HistoryEntry> page;
    const auto take = [&](const sdk::HistoryEntry& entry) {
      const auto& n = entry.notification;
      if (!query.user.empty() && n.user != query.user) return true;
      if (query.before_id != 0 && n.id >= query.before_id) return true;
      if (n.id <= query.after_id) return true;
      page.push_back(entry);
      return page.size() < query.limit;
    };
    // Newest first, or oldest first above `after_id`, as the stores answer.
    if (query.after_id > 0) {
      for (auto it = entries_.begin(); it != entries_.end() && take(*it); ++it) {
      }
    } else {
      for (auto it = entries_.rbegin(); it != entries_.rend() && take(*it); ++it) {
      }
    }
    return page;
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t id) const noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry.notification.id == id) return entry;
    }
    return sdk::Result<sdk::HistoryEntry>::failure("not found");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return {}; }

  /// Adds a notification for `user` routed to `channels`; returns its id.
  std::uint64_t add(const std::string& user, const std::string& message, std::vector<std::string> channels = {"desk"}) {
    std::lock_guard lock(mutex_);
    sdk::HistoryEntry entry;
    entry.notification.id = ++last_id_;
    entry.notification.user = user;
    entry.notification.message = message;
    entry.notification.created_at_ms = 1'700'000'000'000;
    entry.notification.data_json = R"({"rows":3})";
    for (auto& channel : channels) entry.deliveries.push_back({std::move(channel), "pending", 0, "", 0});
    entries_.push_back(std::move(entry));
    return last_id_;
  }
  /// The stored notification `id`.
  sdk::Notification notification(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry.notification.id == id) return entry.notification;
    }
    throw std::out_of_range("no notification " + std::to_string(id));
  }
  /// Attaches the stored image at `path` to notification `id`.
  void set_image(std::uint64_t id, std::string path) {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) {
      if (entry.notification.id == id) entry.notification.image_path = path;
    }
  }
  /// Sets the state of notification `id`'s delivery on `channel`.
  void set_state(std::uint64_t id, std::string_view channel, std::string state) {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) {
      if (entry.notification.id != id) continue;
      for (auto& delivery : entry.deliveries) {
        if (delivery.channel == channel) delivery.state = state;
      }
    }
  }

  bool fails = false;
  mutable int queries = 0;

 private:
  mutable std::mutex mutex_;
  std::vector<sdk::HistoryEntry> entries_;
  std::uint64_t last_id_ = 0;
};

/// The shared fake host as a channel instance named "desk" sees it; "root" is an admin.
class FakeHost : public notifyd::testing::FakeHost<FakeNotifications> {
 public:
  FakeHost(boost::asio::io_context& io, sdk::PluginConfig config)
      : notifyd::testing::FakeHost<FakeNotifications>(io, std::move(config), sdk::Kind::channel, "desk") {
    admins.insert("root");
  }
};

}  // namespace notifyd::websocket::testing
