#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "notifyd/sdk/callback_scope.hpp"
#include "notifyd/sdk/coordination.hpp"
#include "notifyd/sdk/logger.hpp"
#include "notifyd/sdk/metrics.hpp"
#include "notifyd/sdk/plugin.hpp"
#include "outbox.hpp"

namespace notifyd::core {

/// Runs a `one_replica` channel on the replica that holds its lease
/// (`channel/<instance>`). Acquired: the channel hears `lead(fence)` on its
/// executor, then its outbox delivers, each hand-out only while
/// `Coordination::holds(fence)` (so a replica frozen past its lease hands out
/// nothing once it runs again, before it hears `lost`). Lost: the outbox stops handing out
/// deliveries (those in flight finish), then the channel hears `follow()`.
/// Destroying this releases the lease (another replica can take it at once)
/// and calls the channel no more; the daemon does so once the channel has
/// stopped. The gauge `notifyd_channel_leads{channel}` is 1 while the outbox
/// delivers here.
class ChannelLeadership {
 public:
  /// The lease's name for the channel instance `instance`.
  static std::string lease_name(const std::string& instance) { return "channel/" + instance; }

  ChannelLeadership(sdk::Coordination& coordination, std::string instance, sdk::Channel& channel,
                    boost::asio::any_io_executor channel_executor, std::shared_ptr<Outbox> outbox, sdk::Logger& log,
                    sdk::Metrics& metrics);
  ChannelLeadership(const ChannelLeadership&) = delete;
  ChannelLeadership& operator=(const ChannelLeadership&) = delete;

  /// Starts campaigning for the lease (after the channel started).
  void start();
  /// True while this replica holds the lease. Any thread.
  bool leads() const noexcept { return lease_ && lease_->held(); }
  /// True from `lead` until `follow` is decided (as `notifyd_channel_leads`);
  /// readable after this object is gone. Any thread.
  std::shared_ptr<const std::atomic<bool>> leading() const { return leading_; }

 private:
  void on_acquired(sdk::Fence fence);
  void on_lost();

  sdk::Coordination& coordination_;
  std::string instance_;
  sdk::Channel& channel_;
  boost::asio::any_io_executor channel_executor_;
  std::shared_ptr<Outbox> outbox_;
  sdk::Logger& log_;
  sdk::Gauge& leads_;
  std::shared_ptr<std::atomic<bool>> leading_ = std::make_shared<std::atomic<bool>>(false);
  sdk::CallbackScope scope_;           ///< `follow` calls posted by the outbox; closed before the lease goes
  std::unique_ptr<sdk::Lease> lease_;  ///< last: released first, calling no event
};

}  // namespace notifyd::core
