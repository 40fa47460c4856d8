#include "replay_receipts.hpp"

namespace notifyd::websocket {

void ReplayReceipts::add(std::string_view user, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  users_.insert_or_assign(id, std::string(user));
  while (users_.size() > capacity_) users_.erase(users_.begin());
}

bool ReplayReceipts::take(std::string_view user, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = users_.find(id);
  if (it == users_.end() || it->second != user) return false;
  users_.erase(it);
  return true;
}

std::size_t ReplayReceipts::size() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

}  // namespace notifyd::websocket
