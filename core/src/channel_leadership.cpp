#include "channel_leadership.hpp"

namespace notifyd::core {

ChannelLeadership::ChannelLeadership(sdk::Coordination& coordination, std::string instance, sdk::Channel& channel,
                                     boost::asio::any_io_executor channel_executor, std::shared_ptr<Outbox> outbox,
                                     sdk::Logger& log, sdk::Metrics& metrics)
    : coordination_(coordination),
      instance_(std::move(instance)),
      channel_(channel),
      channel_executor_(std::move(channel_executor)),
      outbox_(std::move(outbox)),
      log_(log),
      leads_(metrics.gauge("channel_leads", "1 while this replica delivers for a one_replica channel (holds its lease)",
                           {{"channel", instance_}})),
      scope_(channel_executor_) {}

void ChannelLeadership::start() {
  // The events run on the channel's executor; destroying the lease (first,
  // as the last member) waits for a running one and drops the rest.
  lease_ = coordination_.campaign(lease_name(instance_), channel_executor_,
                                  {[this](sdk::Fence fence) { on_acquired(std::move(fence)); },
                                   [this] { on_lost(); }});
  if (!lease_) {
    log_.error("channel ", instance_, " cannot campaign for ", lease_name(instance_),
               ": it delivers nothing on this replica");
  }
}

// Both events pass through the outbox's strand, so the channel hears them in
// their order even when a `follow` is still on its way.
void ChannelLeadership::on_acquired(sdk::Fence fence) {
  log_.info("channel ", instance_, " leads on this replica (", fence.lease, " epoch ", fence.epoch, ")");
  outbox_->follow(scope_.wrap([this, fence = std::move(fence)] {
    channel_.lead(fence);
    outbox_->lead([&coordination = coordination_, fence] { return coordination.holds(fence); });
    leads_.set(1);
    *leading_ = true;
  }));
}

void ChannelLeadership::on_lost() {
  log_.info("channel ", instance_, " follows: another replica may hold ", lease_name(instance_));
  leads_.set(0);
  *leading_ = false;
  outbox_->follow(scope_.wrap([this] { channel_.follow(); }));
}

}  // namespace notifyd::core
