#include "connection_registry.hpp"

#include <algorithm>

namespace notifyd::websocket {

ConnectionRegistry::ConnectionRegistry(sdk::Metrics& metrics, std::string instance, Limits limits)
    : limits_(limits), metrics_(metrics, instance) {}

bool ConnectionRegistry::open(const std::shared_ptr<DesktopConnection>& connection, std::string address) {
  std::shared_ptr<DesktopConnection> evicted;
  {
    std::lock_guard lock(mutex_);
    if (closing_ || entries_.size() >= limits_.connections) return false;
    auto& waiting = unauthenticated_[address];
    if (waiting.size() >= limits_.unauthenticated_per_address) {
      const auto oldest = entries_.find(waiting.front());
      if (oldest != entries_.end()) {
        evicted = oldest->second.connection.lock();
        oldest->second.address.clear();
        oldest->second.evicted = true;
      }
      waiting.pop_front();
    }
    waiting.push_back(connection.get());
    entries_.emplace(connection.get(), Entry{connection, std::move(address), {}});
    metrics_.connections.set(static_cast<std::int64_t>(entries_.size()));
  }
  if (evicted) {
    metrics_.evicted.inc();
    evicted->close();
  }
  return true;
}

bool ConnectionRegistry::replace(const DesktopConnection* connection,
                                 const std::shared_ptr<DesktopConnection>& successor) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(connection);
  if (it == entries_.end() || it->second.evicted || closing_) return false;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  entry.connection = successor;
  if (!entry.address.empty()) {
    auto& waiting = unauthenticated_[entry.address];
    std::replace(waiting.begin(), waiting.end(), connection, static_cast<const DesktopConnection*>(successor.get()));
  }
  entries_.emplace(successor.get(), std::move(entry));
  return true;
}

void ConnectionRegistry::closed(const DesktopConnection* connection) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(connection);
    if (it == entries_.end()) return;
    leave_address(connection, it->second);
    detach(connection, it->second);
    entries_.erase(it);
    metrics_.connections.set(static_cast<std::int64_t>(entries_.size()));
    if (closing_ && entries_.empty()) done = std::move(done_);
  }
  if (done) done();
}

bool ConnectionRegistry::authenticate(const DesktopConnection* connection, const std::string& user) {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(connection);
  if (entry == entries_.end() || closing_) return false;
  auto& record = users_[user].connections;
  if (record.size() >= limits_.per_user) {
    if (record.empty()) users_.erase(user);
    return false;
  }
  record.push_back(connection);
  leave_address(connection, entry->second);
  entry->second.user = user;
  metrics_.users.set(static_cast<std::int64_t>(users_.size()));
  return true;
}

void ConnectionRegistry::retire(const DesktopConnection* connection) noexcept {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(connection);
  if (it == entries_.end()) return;
  leave_address(connection, it->second);
  detach(connection, it->second);
}

void ConnectionRegistry::leave_address(const DesktopConnection* connection, Entry& entry) noexcept {
  if (entry.address.empty()) return;
  const auto waiting = unauthenticated_.find(entry.address);
  if (waiting != unauthenticated_.end()) {
    auto& list = waiting->second;
    list.erase(std::remove(list.begin(), list.end(), connection), list.end());
    if (list.empty()) unauthenticated_.erase(waiting);
  }
  entry.address.clear();
}

void ConnectionRegistry::detach(const DesktopConnection* connection, Entry& entry) noexcept {
  if (entry.user.empty()) return;
  const auto user = users_.find(entry.user);
  if (user != users_.end()) {
    auto& list = user->second.connections;
    list.erase(std::remove(list.begin(), list.end(), connection), list.end());
    if (list.empty()) users_.erase(user);
  }
  entry.user.clear();
  metrics_.users.set(static_cast<std::int64_t>(users_.size()));
}

ConnectionRegistry::FanOut ConnectionRegistry::fan_out(std::string_view user,
                                                       const std::shared_ptr<const std::string>& frame,
                                                       std::uint64_t id) {
  std::shared_ptr<DesktopConnection> targets[8];
  std::vector<std::shared_ptr<DesktopConnection>> more;
  std::size_t count = 0;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return {};
    const auto record = users_.find(user);
    if (record == users_.end()) return {};
    auto& fanned_out = record->second.fanned_out;
    if (std::find(fanned_out.begin(), fanned_out.end(), id) != fanned_out.end()) {
      return {record->second.connections.size(), 0};
    }
    fanned_out.push_back(id);
    if (fanned_out.size() > recent_ids_per_user) fanned_out.pop_front();
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
  return {count, count};
}

bool ConnectionRegistry::connected(std::string_view user) const {
  std::lock_guard lock(mutex_);
  return users_.find(user) != users_.end();
}

std::size_t ConnectionRegistry::connections_of(std::string_view user) const {
  std::lock_guard lock(mutex_);
  const auto record = users_.find(user);
  return record == users_.end() ? 0 : record->second.connections.size();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t ConnectionRegistry::users() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

std::vector<std::string> ConnectionRegistry::user_names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  names.reserve(users_.size());
  for (const auto& [name, record] : users_) names.push_back(name);
  return names;
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
