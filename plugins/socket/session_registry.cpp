#include "session_registry.hpp"

#include <vector>

#include "socket_session.hpp"

namespace notifyd::socket_api {

bool SessionRegistry::add(const std::shared_ptr<SocketSession>& session) {
  std::lock_guard lock(mutex_);
  if (closing_) return false;
  sessions_.emplace(session.get(), session);
  connections_.set(static_cast<std::int64_t>(sessions_.size()));
  return true;
}

void SessionRegistry::remove(const SocketSession* session) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    if (sessions_.erase(session) == 0) return;
    connections_.set(static_cast<std::int64_t>(sessions_.size()));
    if (closing_ && sessions_.empty()) done = std::move(done_);
  }
  if (done) done();
}

std::size_t SessionRegistry::size() const noexcept {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionRegistry::close_all(std::function<void()> done) {
  std::vector<std::shared_ptr<SocketSession>> open;
  bool none_left = false;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    none_left = sessions_.empty();
    if (!none_left) {
      done_ = std::move(done);
      for (const auto& [key, weak] : sessions_) {
        if (auto session = weak.lock()) open.push_back(std::move(session));
      }
    }
  }
  if (none_left) {
    if (done) done();
    return;
  }
  for (const auto& session : open) session->close();
}

}  // namespace notifyd::socket_api
