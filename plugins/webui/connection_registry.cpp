#include "connection_registry.hpp"

#include <vector>

namespace notifyd::webui {

bool ConnectionRegistry::add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  if (closing_) return false;
  connections_.emplace(connection.get(), connection);
  gauge_.set(static_cast<std::int64_t>(connections_.size()));
  return true;
}

void ConnectionRegistry::remove(const Connection* connection) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    if (connections_.erase(connection) == 0) return;
    gauge_.set(static_cast<std::int64_t>(connections_.size()));
    if (closing_ && connections_.empty()) done = std::move(done_);
  }
  if (done) done();
}

std::size_t ConnectionRegistry::size() const noexcept {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ConnectionRegistry::close_all(std::function<void()> done) {
  std::vector<std::shared_ptr<Connection>> open;
  bool none_left = false;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    none_left = connections_.empty();
    if (!none_left) {
      done_ = std::move(done);
      for (const auto& [key, weak] : connections_) {
        if (auto connection = weak.lock()) open.push_back(std::move(connection));
      }
    }
  }
  if (none_left) {
    if (done) done();
    return;
  }
  for (const auto& connection : open) connection->close();
}

}  // namespace notifyd::webui
