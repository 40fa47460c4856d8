#include "local_leases.hpp"

#include <atomic>
#include <mutex>

#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"

namespace notifyd::core {

struct LocalLeases::Campaign {
  Campaign(std::string lease, boost::asio::any_io_executor executor, sdk::LeaseEvents events)
      : name(std::move(lease)),
        scope(boost::asio::make_strand(executor)),
        acquired(scope.wrap([f = std::move(events.acquired)](sdk::Fence fence) {
          if (f) f(std::move(fence));
        })),
        lost(scope.wrap([f = std::move(events.lost)] {
          if (f) f();
        })) {}

  const std::string name;
  sdk::CallbackScope scope;
  std::function<void(sdk::Fence)> acquired;
  std::function<void()> lost;
  std::atomic<bool> held{false};
  sdk::Fence fence;    ///< guarded by the table's mutex
  bool ended = false;  ///< released: never holds again; guarded by the table's mutex
};

struct LocalLeases::Table {
  struct Name {
    std::shared_ptr<Campaign> holder;
    std::uint64_t epoch = 0;  ///< of the latest holding
    std::deque<std::shared_ptr<Campaign>> waiting;
  };

  explicit Table(std::string r) : replica(std::move(r)) {}

  // Makes `campaign` the holder of `name`. Under an exclusive lock.
  void hand_to(Name& name, const std::shared_ptr<Campaign>& campaign) {
    name.holder = campaign;
    campaign->fence = {campaign->name, replica, ++name.epoch};
    campaign->held = true;
    campaign->acquired(campaign->fence);
  }

  // Ends `campaign`: it gives the lease up (to the longest waiting) or stops waiting.
  void end(const std::shared_ptr<Campaign>& campaign) {
    std::unique_lock lock(mutex);
    if (campaign->ended) return;
    campaign->ended = true;
    auto found = names.find(campaign->name);
    if (found == names.end()) return;
    Name& name = found->second;
    if (name.holder != campaign) {
      std::erase(name.waiting, campaign);
      return;
    }
    name.holder.reset();
    campaign->held = false;
    campaign->fence = {};
    campaign->lost();
    if (!name.waiting.empty()) {
      auto next = std::move(name.waiting.front());
      name.waiting.pop_front();
      hand_to(name, next);
    }
  }

  const std::string replica;
  mutable std::shared_mutex mutex;  ///< shared while a fenced write runs; exclusive while holdings change
  std::map<std::string, Name> names;
};

class LocalLeases::Handle final : public sdk::Lease {
 public:
  Handle(std::shared_ptr<Table> table, std::shared_ptr<Campaign> campaign)
      : table_(std::move(table)), campaign_(std::move(campaign)) {}
  ~Handle() override {
    campaign_->scope.close();
    table_->end(campaign_);
  }

  bool held() const noexcept override { return campaign_->held; }
  sdk::Fence fence() const noexcept override {
    std::shared_lock lock(table_->mutex);
    return campaign_->fence;
  }
  void release() noexcept override { table_->end(campaign_); }

 private:
  std::shared_ptr<Table> table_;
  std::shared_ptr<Campaign> campaign_;
};

LocalLeases::LocalLeases(std::string replica) : table_(std::make_shared<Table>(std::move(replica))) {}

LocalLeases::~LocalLeases() = default;

std::unique_ptr<sdk::Lease> LocalLeases::campaign(std::string name, boost::asio::any_io_executor executor,
                                                  sdk::LeaseEvents events) {
  auto campaign = std::make_shared<Campaign>(name, std::move(executor), std::move(events));
  {
    std::unique_lock lock(table_->mutex);
    auto& entry = table_->names[name];
    if (entry.holder) {
      entry.waiting.push_back(campaign);
    } else {
      table_->hand_to(entry, campaign);
    }
  }
  return std::make_unique<Handle>(table_, std::move(campaign));
}

bool LocalLeases::while_current(const sdk::Fence& fence, const std::function<void()>& write) const {
  std::shared_lock lock(table_->mutex);
  const auto found = table_->names.find(fence.lease);
  if (found == table_->names.end() || !found->second.holder || fence.holder != table_->replica ||
      found->second.epoch != fence.epoch) {
    return false;
  }
  write();
  return true;
}

std::vector<sdk::LeaseView> LocalLeases::holdings() const {
  std::shared_lock lock(table_->mutex);
  std::vector<sdk::LeaseView> held;
  for (const auto& [name, entry] : table_->names) {
    if (entry.holder) held.push_back({name, table_->replica, entry.epoch, 0});
  }
  return held;
}

}  // namespace notifyd::core
