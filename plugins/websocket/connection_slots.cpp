#include "connection_slots.hpp"

namespace notifyd::websocket {

ConnectionSlots::ConnectionSlots(sdk::Ephemeral& keys, std::string instance, std::string replica,
                                 std::chrono::milliseconds ttl, std::size_t per_user)
    : keys_(keys), instance_(std::move(instance)), replica_(std::move(replica)), ttl_(ttl), per_user_(per_user) {}

sdk::Result<std::optional<std::string>> ConnectionSlots::claim(std::string_view user) {
  using R = sdk::Result<std::optional<std::string>>;
  const std::string value = replica_ + "#" + std::to_string(++next_);
  const std::string prefix = instance_ + "/connections/" + std::string(user) + "/";
  for (std::size_t n = 0; n < per_user_; ++n) {
    std::string key = prefix + std::to_string(n);
    auto taken = keys_.put_if_absent(key, value, ttl_);
    if (!taken) return R::failure(taken.error());
    if (!taken.value()) continue;
    std::lock_guard lock(mutex_);
    held_.emplace(key, value);
    return std::optional<std::string>{std::move(key)};
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
    held = held_;
  }
  sdk::Status first = sdk::Status::success();
  for (const auto& [key, value] : held) {
    if (auto status = keys_.put(key, value, ttl_); !status && first) first = status;
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
