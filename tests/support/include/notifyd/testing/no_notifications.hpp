#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "notifyd/sdk/notification_service.hpp"

namespace notifyd::testing {

/// A notification service with no history that refuses to publish.
class NoNotifications : public sdk::NotificationService {
 public:
  void publish(sdk::PublishRequest, std::function<void(sdk::PublishOutcome)> done) noexcept override {
    done({sdk::PublishOutcome::Code::unavailable, 0, {}, "not in tests"});
  }
  sdk::Result<std::vector<sdk::HistoryEntry>> history(const sdk::HistoryQuery&) const noexcept override {
    return std::vector<sdk::HistoryEntry>{};
  }
  sdk::Result<sdk::HistoryEntry> find(std::uint64_t) const noexcept override {
    return sdk::Result<sdk::HistoryEntry>::failure("not found");
  }
  std::vector<sdk::ChannelHealth> health() const noexcept override { return {}; }
};

}  // namespace notifyd::testing
