#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"
#include "notifyd/sdk/coordination.hpp"

namespace notifyd::testing {

/// Keys with a time to live, in memory, on the steady clock.
class MemoryEphemeral : public sdk::Ephemeral {
 public:
  sdk::Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept override {
    std::lock_guard lock(mutex_);
    values_[std::string(key)] = {std::string(value), Clock::now() + ttl};
    ++puts_;
    return sdk::Status::success();
  }
  /// How many `put` calls were made.
  std::size_t puts() const {
    std::lock_guard lock(mutex_);
    return puts_;
  }
  sdk::Result<bool> put_if_absent(std::string_view key, std::string_view value,
                                  std::chrono::milliseconds ttl) noexcept override {
    std::lock_guard lock(mutex_);
    auto& entry = values_[std::string(key)];
    if (entry.expires > Clock::now()) return false;
    entry = {std::string(value), Clock::now() + ttl};
    return true;
  }
  sdk::Result<std::optional<std::string>> get(std::string_view key) const noexcept override {
    std::lock_guard lock(mutex_);
    const auto found = values_.find(std::string(key));
    if (found == values_.end() || found->second.expires <= Clock::now()) return std::optional<std::string>{};
    return std::optional<std::string>{found->second.value};
  }
  sdk::Result<std::optional<std::string>> take(std::string_view key) noexcept override {
    std::lock_guard lock(mutex_);
    const auto found = values_.find(std::string(key));
    if (found == values_.end()) return std::optional<std::string>{};
    std::optional<std::string> value;
    if (found->second.expires > Clock::now()) value = std::move(found->second.value);
    values_.erase(found);
    return value;
  }
  sdk::Status remove(std::string_view key) noexcept override {
    std::lock_guard lock(mutex_);
    values_.erase(std::string(key));
    return sdk::Status::success();
  }
  sdk::Result<std::uint64_t> count(std::string_view key, std::chrono::milliseconds window,
                                   std::uint64_t amount = 1) noexcept override {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    const auto start = now - now % window.count();
    std::lock_guard lock(mutex_);
    auto& counter = counters_[std::string(key)];
    if (counter.first != start) counter = {start, 0};
    return counter.second += amount;
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Value {
    std::string value;
    Clock::time_point expires;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Value> values_;
  std::size_t puts_ = 0;
  std::map<std::string, std::pair<std::int64_t, std::uint64_t>> counters_;  ///< window start, total
};

/// Doorbells within the test: a ring is posted to each listener of its topic.
class FakeBus : public sdk::Bus {
 public:
  void ring(std::string_view topic, std::string_view note = {}) noexcept override {
    std::vector<std::shared_ptr<Listener>> hearing;
    {
      std::lock_guard lock(listeners_->mutex);
      rings.emplace_back(topic);
      notes.emplace_back(note);
      for (const auto& listener : listeners_->all) {
        if (listener->topic == topic) hearing.push_back(listener);
      }
    }
    for (const auto& listener : hearing) listener->rung(std::string(note));
  }
  sdk::Subscription listen(std::string topic, boost::asio::any_io_executor executor,
                           std::function<void(std::string note)> rung) noexcept override {
    auto listener = std::make_shared<Listener>(std::move(topic), std::move(executor), std::move(rung));
    {
      std::lock_guard lock(listeners_->mutex);
      listeners_->all.push_back(listener);
    }
    return sdk::Subscription([weak = std::weak_ptr<Listeners>(listeners_), listener] {
      if (auto listeners = weak.lock()) {
        std::lock_guard lock(listeners->mutex);
        std::erase(listeners->all, listener);
      }
      listener->scope.close();
    });
  }

  std::vector<std::string> rings;  ///< topics rung, in order
  std::vector<std::string> notes;  ///< the notes they were rung with, in the same order

 private:
  struct Listener {
    Listener(std::string t, boost::asio::any_io_executor executor, std::function<void(std::string)> f)
        : topic(std::move(t)), scope(boost::asio::make_strand(executor)), rung(scope.wrap(std::move(f))) {}
    std::string topic;
    sdk::CallbackScope scope;
    std::function<void(std::string)> rung;
  };
  struct Listeners {
    std::mutex mutex;
    std::vector<std::shared_ptr<Listener>> all;
  };
  std::shared_ptr<Listeners> listeners_ = std::make_shared<Listeners>();
};

/// Coordination for a plugin's unit tests, one replica over the test's
/// documents. As with `backend = "local"`, a campaign holds its lease at once
/// when no other campaign does, and a released lease passes at once to the
/// oldest waiting campaign, unless the test called `grant_only_when_told`.
/// The test takes a lease away with `revoke` (its holder hears `lost`) and
/// gives it with `grant` (a new epoch each time).
class FakeCoordination : public sdk::Coordination {
 public:
  explicit FakeCoordination(sdk::DocumentStore& documents) : documents_(documents) {}

  std::string_view backend() const noexcept override { return "local"; }
  const std::string& replica() const noexcept override { return replica_name; }
  const std::string& host_group() const noexcept override { return host_group_name; }
  sdk::DocumentStore& documents() noexcept override { return documents_; }
  sdk::Ephemeral& ephemeral() noexcept override { return keys; }
  sdk::Bus& bus() noexcept override { return doorbells; }
  std::chrono::milliseconds lease_ttl() const noexcept override { return ttl; }
  std::unique_ptr<sdk::Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                       sdk::LeaseEvents events) noexcept override {
    auto campaign = std::make_shared<Campaign>(name, std::move(executor), std::move(events));
    std::lock_guard lock(leases_->mutex);
    leases_->replica = replica_name;
    leases_->campaigns[name].push_back(campaign);
    if (leases_->grant_at_once) leases_->grant(name);
    return std::make_unique<Handle>(leases_, campaign);
  }
  /// This one replica and the leases its campaigns hold.
  sdk::ClusterView view() const noexcept override {
    sdk::ClusterView view;
    view.backend = backend();
    view.replica = replica_name;
    view.host_group = host_group_name;
    view.lease_ttl_ms = ttl.count();
    view.replicas.push_back({replica_name, host_group_name, "test", "", 1, 0, true});
    std::lock_guard lock(leases_->mutex);
    for (const auto& [name, campaigns] : leases_->campaigns) {
      for (const auto& campaign : campaigns) {
        if (campaign->held) view.leases.push_back({name, replica_name, campaign->fence.epoch, 0});
      }
    }
    return view;
  }

  /// Leases are held only once `grant` gives them.
  void grant_only_when_told() {
    std::lock_guard lock(leases_->mutex);
    leases_->grant_at_once = false;
  }
  /// Gives lease `name` to its oldest campaign, unless one holds it already.
  void grant(const std::string& name) {
    std::lock_guard lock(leases_->mutex);
    leases_->grant(name);
  }
  /// True while `fence` names the current holding of its lease and that
  /// holding has not run out (`run_out`).
  bool holds(const sdk::Fence& fence) const noexcept override {
    std::lock_guard lock(leases_->mutex);
    const auto found = leases_->campaigns.find(fence.lease);
    if (found == leases_->campaigns.end()) return false;
    for (const auto& campaign : found->second) {
      if (campaign->held && !campaign->ran_out && campaign->fence == fence) return true;
    }
    return false;
  }
  /// Lease `name`'s holding ends by its holder's clock: `held()`, `fence()`
  /// and `holds` answer as for no holding, and fenced writes are refused,
  /// but the holder hears nothing (a replica frozen past its lease, resumed
  /// before its `lost`). `revoke` then delivers the `lost`.
  void run_out(const std::string& name) {
    std::lock_guard lock(leases_->mutex);
    for (const auto& campaign : leases_->campaigns[name]) {
      if (campaign->held) campaign->ran_out = true;
    }
  }
  /// Takes lease `name` from its holder, which hears `lost`.
  void revoke(const std::string& name) {
    std::lock_guard lock(leases_->mutex);
    for (const auto& campaign : leases_->campaigns[name]) {
      if (campaign->held.exchange(false)) {
        campaign->fence = {};
        campaign->ran_out = false;
        campaign->lost();
      }
    }
  }

  MemoryEphemeral keys;
  FakeBus doorbells;
  std::string replica_name = "test-host:1";
  std::string host_group_name = "test-host";
  std::chrono::milliseconds ttl{10000};

 private:
  struct Campaign {
    Campaign(std::string n, boost::asio::any_io_executor executor, sdk::LeaseEvents events)
        : name(std::move(n)),
          scope(boost::asio::make_strand(executor)),
          acquired(scope.wrap([f = std::move(events.acquired)](sdk::Fence fence) {
            if (f) f(std::move(fence));
          })),
          lost(scope.wrap([f = std::move(events.lost)] {
            if (f) f();
          })) {}
    std::string name;
    sdk::CallbackScope scope;
    std::function<void(sdk::Fence)> acquired;
    std::function<void()> lost;
    std::atomic<bool> held{false};
    std::atomic<bool> ran_out{false};  ///< held, but over by the holder's clock
    sdk::Fence fence;                  ///< guarded by the leases' mutex
  };
  struct Leases {
    // Gives `name` to its oldest campaign unless one holds it. Under `mutex`.
    void grant(const std::string& name) {
      auto& all = campaigns[name];
      for (const auto& campaign : all) {
        if (campaign->held) return;
      }
      if (all.empty()) return;
      auto& holder = all.front();
      holder->fence = {name, replica, ++epochs[name]};
      holder->held = true;
      holder->acquired(holder->fence);
    }
    std::mutex mutex;
    std::string replica;  ///< names the holder in fences
    bool grant_at_once = true;
    std::map<std::string, std::vector<std::shared_ptr<Campaign>>> campaigns;
    std::map<std::string, std::uint64_t> epochs;
  };
  class Handle : public sdk::Lease {
   public:
    Handle(std::shared_ptr<Leases> leases, std::shared_ptr<Campaign> campaign)
        : leases_(std::move(leases)), campaign_(std::move(campaign)) {}
    ~Handle() override {
      campaign_->scope.close();
      release();
    }
    bool held() const noexcept override { return campaign_->held && !campaign_->ran_out; }
    sdk::Fence fence() const noexcept override {
      std::lock_guard lock(leases_->mutex);
      return campaign_->ran_out ? sdk::Fence{} : campaign_->fence;
    }
    void release() noexcept override {
      std::lock_guard lock(leases_->mutex);
      std::erase(leases_->campaigns[campaign_->name], campaign_);
      if (campaign_->held.exchange(false)) {
        campaign_->fence = {};
        campaign_->ran_out = false;
        campaign_->lost();
        if (leases_->grant_at_once) leases_->grant(campaign_->name);
      }
    }

   private:
    std::shared_ptr<Leases> leases_;
    std::shared_ptr<Campaign> campaign_;
  };

  sdk::DocumentStore& documents_;
  std::shared_ptr<Leases> leases_ = std::make_shared<Leases>();
};

}  // namespace notifyd::testing
