#include "connection_slots.hpp"

namespace notifyd::websocket {

ConnectionSlots::ConnectionSlots(sdk::Ephemeral& keys, std::string instance, std::string replica,
                                 std::size_t per_user)
    : keys_(keys),
      instance_(std::move(instance)),
      replica_(std::move(replica)),
      per_user_(per_user),
      renewed_at_(std::chrono::steady_clock::now()) {}

void ConnectionSlots::set_live_replicas(std::set<std::string> replicas) {
  std::lock_guard lock(mutex_);
  live_ = std::move(replicas);
}

sdk::Result<std::optional<std::string>> ConnectionSlots::claim(std::string_view user) {
  using R = sdk::Result<std::optional<std::string>>;
  const std::string value = replica_ + "#" + std::to_string(++next_);
  const std::string prefix = instance_ + "/connections/" + std::string(user) + "/";
  const auto hold = [&](std::string key) {
    std::lock_guard lock(mutex_);
    held_.emplace(key, value);
    return R(std::optional<std::string>{std::move(key)});
  };
  for (std::size_t n = 0; n < per_user_; ++n) {
    std::string key = prefix + std::to_string(n);
    auto taken = keys_.put_if_absent(key, value, key_ttl);
    if (!taken) return R::failure(taken.error());
    if (taken.value()) return hold(std::move(key));
  }
  std::optional<std::set<std::string>> live;
  {
    std::lock_guard lock(mutex_);
    live = live_;
  }
  if (!live) return std::optional<std::string>{};
  // Every slot is held: those of a replica that left the roster are free.
  for (std::size_t n = 0; n < per_user_; ++n) {
    std::string key = prefix + std::to_string(n);
    auto holder = keys_.get(key);
    if (!holder) return R::failure(holder.error());
    if (!holder.value()) {
      auto taken = keys_.put_if_absent(key, value, key_ttl);
      if (!taken) return R::failure(taken.error());
      if (taken.value()) return hold(std::move(key));
      continue;
    }
    const auto replica = holder.value()->substr(0, holder.value()->rfind('#'));
    if (replica == replica_ || live->contains(replica)) continue;
    auto stale = keys_.take(key);
    if (!stale) return R::failure(stale.error());
    if (stale.value() && stale.value() != holder.value()) {
      // Another claim took it over first: its holding stands.
      (void)keys_.put_if_absent(key, *stale.value(), key_ttl);
      continue;
    }
    auto taken = keys_.put_if_absent(key, value, key_ttl);
    if (!taken) return R::failure(taken.error());
    if (taken.value()) return hold(std::move(key));
  }
  return std::optional<std::string>{};
}

void ConnectionSlots::release(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    if (held_.erase(key) == 0) return;
  }
  (void)keys_.remove(key);
}

void ConnectionSlots::release_all() {
  std::map<std::string, std::string> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (const auto& entry : held) (void)keys_.remove(entry.first);
}

sdk::Status ConnectionSlots::renew() {
  std::map<std::string, std::string> held;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - renewed_at_ < key_ttl / 3) return sdk::Status::success();
    renewed_at_ = now;
    held = held_;
  }
  sdk::Status first = sdk::Status::success();
  for (const auto& [key, value] : held) {
    if (auto status = keys_.put(key, value, key_ttl); !status && first) first = status;
    bool released = false;
    {
      std::lock_guard lock(mutex_);
      released = !held_.contains(key);
    }
    if (released) (void)keys_.remove(key);  // given back while it was being renewed
  }
  return first;
}

std::size_t ConnectionSlots::held() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace notifyd::websocket
