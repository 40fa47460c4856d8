#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "notifyd/sdk/plugin.hpp"

namespace notifyd::test {

/// An in-process channel whose answer to each attempt is scripted; it records
/// what it was told (`lead`, `follow`) and the deliveries, in order.
class ScriptedChannel final : public sdk::Channel {
 public:
  using Script = std::function<sdk::DeliveryResult(const sdk::Delivery&)>;

  explicit ScriptedChannel(Script script = [](const sdk::Delivery&) { return sdk::DeliveryResult::ok(); },
                           std::set<std::string> users = {})
      : script_(std::move(script)), users_(std::move(users)) {}

  sdk::Status start() noexcept override { return sdk::Status::success(); }
  void stop(std::function<void()> done) noexcept override { done(); }
  bool reaches(std::string_view user) const noexcept override {
    return users_.empty() || users_.contains(std::string(user));
  }
  sdk::Placement placement() const noexcept override { return placement_; }
  void lead(sdk::Fence fence) noexcept override {
    std::lock_guard lock(mutex_);
    events_.push_back("lead " + std::to_string(fence.epoch));
  }
  void follow() noexcept override {
    std::lock_guard lock(mutex_);
    events_.push_back("follow");
  }
  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) noexcept override {
    auto result = script_ ? script_(delivery) : sdk::DeliveryResult::ok();
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(delivery.notification->id);
      events_.push_back("deliver " + std::to_string(delivery.notification->id));
      if (result.outcome == sdk::DeliveryResult::Outcome::delivered) delivered_.push_back(delivery.notification->id);
    }
    done(std::move(result));
  }

  std::vector<std::uint64_t> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  std::size_t attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_.size();
  }
  /// "lead <epoch>", "follow" and "deliver <id>", in the order they happened.
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  /// Where this channel says its deliveries are made.
  void set_placement(sdk::Placement placement) { placement_ = placement; }

 private:
  Script script_;
  std::set<std::string> users_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> attempts_;
  std::vector<std::uint64_t> delivered_;
  std::vector<std::string> events_;
  sdk::Placement placement_ = sdk::Placement::every_replica;
};

}  // namespace notifyd::test
