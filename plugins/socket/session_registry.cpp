#include "session_registry.hpp"

#include <vector>

#include "socket_session.hpp"

namespace notifyd::socket_api {

Refusal SessionRegistry::admit(uid_t uid, bool privileged, const ConnectionLimits& limits) const {
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= limits.total) return Refusal::server_full;
  if (privileged) return Refusal::none;
  if (sessions_.size() + limits.reserved >= limits.total) return Refusal::server_full;
  const auto found = per_user_.find(uid);
  if (found != per_user_.end() && found->second >= limits.per_user) return Refusal::user_full;
  return Refusal::none;
}

bool SessionRegistry::add(const std::shared_ptr<SocketSession>& session, uid_t uid) {
  std::lock_guard lock(mutex_);
  if (closing_) return false;
  sessions_.emplace(session.get(), Entry{session, uid});
  ++per_user_[uid];
  connections_.set(static_cast<std::int64_t>(sessions_.size()));
  return true;
}

void SessionRegistry::remove(const SocketSession* session) noexcept {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(session);
    if (found == sessions_.end()) return;
    if (const auto count = per_user_.find(found->second.uid); count != per_user_.end() && --count->second == 0) {
      per_user_.erase(count);
    }
    sessions_.erase(found);
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
      for (const auto& [key, entry] : sessions_) {
        if (auto session = entry.session.lock()) open.push_back(std::move(session));
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
