#include "session_store.hpp"

#include "random_token.hpp"

namespace notifyd::webui {

SessionStore::SessionStore(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock)
    : ttl_(ttl), capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)) {}

std::chrono::system_clock::time_point SessionStore::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

void SessionStore::drop_expired(std::chrono::system_clock::time_point now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    sessions_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

LoginSession SessionStore::create(std::string user) {
  LoginSession session;
  session.id = random_token();
  session.csrf_token = random_token();
  session.user = std::move(user);
  session.created = now();
  session.expires = session.created + ttl_;

  std::lock_guard lock(mutex_);
  drop_expired(session.created);
  // All sessions share one ttl, so the earliest to expire is the oldest.
  while (sessions_.size() >= capacity_ && !by_expiry_.empty()) {
    sessions_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  sessions_.emplace(session.id, session);
  by_expiry_.emplace(session.expires, session.id);
  return session;
}

std::optional<LoginSession> SessionStore::find(std::string_view id) const {
  if (!looks_like_token(id)) return std::nullopt;
  const auto at = now();
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.expires <= at) return std::nullopt;
  return it->second;
}

bool SessionStore::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  const auto [first, last] = by_expiry_.equal_range(it->second.expires);
  for (auto entry = first; entry != last; ++entry) {
    if (entry->second == it->first) {
      by_expiry_.erase(entry);
      break;
    }
  }
  sessions_.erase(it);
  return true;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace notifyd::webui
