#include "connection_registry.hpp"

#include <algorithm>

namespace notifyd::websocket {

ConnectionRegistry::ConnectionRegistry(sdk::Metrics& metrics, std::string instance, std::size_t max_connections,
                                       std::size_t max_per_user)
    : metrics_(metrics),
      instance_(std::move(instance)),
      max_connections_(max_connections),
      max_per_user_(max_per_user),
      connections_gauge_(metrics.gauge("websocket_connections", "Desktop WebSocket connections open",
                                       {{"instance", instance_}})),
      users_gauge_(metrics.gauge("websocket_users", "Users with an authenticated desktop WebSocket connection",
                                 {{"instance", instance_}})) {}

bool ConnectionRegistry::open(const std::shared_ptr<DesktopConnection>& connection) {
  std::lock_guard lock(mutex_);
  if (closing_ || entries_.size() >= max_connections_) return false;
  entries_.emplace(connection.get(), Entry{connection, {}});
  connections_gauge_.set(static_cast<std::int64_t>(entries_.size()));
  return true;
}

void ConnectionRegistry::closed(const DesktopConnection* connection) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(connection);
    if (it == entries_.end()) return;
    detach(connection, it->second);
    entries_.erase(it);
    connections_gauge_.set(static_cast<std::int64_t>(entries_.size()));
    if (closing_ && entries_.empty()) done = std::move(done_);
  }
  if (done) done();
}

bool ConnectionRegistry::authenticate(const DesktopConnection* connection, const std::string& user) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(connection);
  if (entry == entries_.end() || closing_) return false;
  auto& record = users_[user];
  if (record.connections.size() >= max_per_user_) {
    if (record.connections.empty()) users_.erase(user);
    return false;
  }
  if (!record.gauge) {
    record.gauge = &metrics_.gauge("websocket_user_connections", "Authenticated desktop WebSocket connections per user",
                                   {{"instance", instance_}, {"user", user}});
  }
  record.connections.push_back(connection);
  record.gauge->set(static_cast<std::int64_t>(record.connections.size()));
  entry->second.user = user;
  users_gauge_.set(static_cast<std::int64_t>(users_.size()));
  return true;
}

void ConnectionRegistry::retire(const DesktopConnection* connection) noexcept {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(connection);
  if (it != entries_.end()) detach(connection, it->second);
}

void ConnectionRegistry::detach(const DesktopConnection* connection, Entry& entry) noexcept {
  if (entry.user.empty()) return;
  const auto user = users_.find(entry.user);
  if (user != users_.end()) {
    auto& list = user->second.connections;
    list.erase(std::remove(list.begin(), list.end(), connection), list.end());
    if (user->second.gauge) user->second.gauge->set(static_cast<std::int64_t>(list.size()));
    if (list.empty()) users_.erase(user);
  }
  entry.user.clear();
  users_gauge_.set(static_cast<std::int64_t>(users_.size()));
}

std::size_t ConnectionRegistry::fan_out(std::string_view user, const std::shared_ptr<const std::string>& frame,
                                        std::uint64_t id) {
  std::shared_ptr<DesktopConnection> targets[8];
  std::vector<std::shared_ptr<DesktopConnection>> more;
  std::size_t count = 0;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return 0;
    const auto record = users_.find(user);
    if (record == users_.end()) return 0;
    for (const DesktopConnection* key : record->second.connections) {
      const auto entry = entries_.find(key);
      if (entry == entries_.end()) continue;
      auto connection = entry->second.connection.lock();
      if (!connection) continue;
      if (count < std::size(targets)) {
        targets[count] = std::move(connection);
      } else {
        more.push_back(std::move(connection));
      }
      ++count;
    }
  }
  for (std::size_t i = 0; i < std::min(count, std::size(targets)); ++i) targets[i]->send_notification(frame, id);
  for (const auto& connection : more) connection->send_notification(frame, id);
  return count;
}

bool ConnectionRegistry::connected(std::string_view user) const {
  std::lock_guard lock(mutex_);
  return users_.find(user) != users_.end();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t ConnectionRegistry::users() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

void ConnectionRegistry::close_all(std::function<void()> done) {
  std::vector<std::shared_ptr<DesktopConnection>> open;
  bool none_left = false;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    none_left = entries_.empty();
    if (!none_left) {
      done_ = std::move(done);
      for (const auto& [key, entry] : entries_) {
        if (auto connection = entry.connection.lock()) open.push_back(std::move(connection));
      }
    }
  }
  if (none_left) {
    if (done) done();
    return;
  }
  for (const auto& connection : open) connection->close();
}

}  // namespace notifyd::websocket
