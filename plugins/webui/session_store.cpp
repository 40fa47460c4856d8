#include "session_store.hpp"

#include "random_token.hpp"
#include "sign_in_record.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view session_purpose = "session";
constexpr std::string_view csrf_purpose = "csrf";

}  // namespace

SessionStore::SessionStore(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock)
    : ttl_(ttl), capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)) {}

std::chrono::system_clock::time_point SessionStore::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

void SessionStore::changed() const {
  if (on_change_) on_change_();
}

void SessionStore::drop_expired(std::chrono::system_clock::time_point now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    sessions_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

void SessionStore::drop_oldest_beyond(std::size_t count) {
  // All sessions share one ttl, so the earliest to expire is the oldest.
  while (sessions_.size() > count && !by_expiry_.empty()) {
    sessions_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

void SessionStore::insert(std::string digest, Entry entry) {
  by_expiry_.emplace(entry.expires, digest);
  sessions_.emplace(std::move(digest), std::move(entry));
}

LoginSession SessionStore::create(std::string user) {
  LoginSession session;
  session.id = random_token();
  session.csrf_token = token_digest(session.id, csrf_purpose);
  session.user = std::move(user);
  session.created = now();
  session.expires = session.created + ttl_;
  {
    std::lock_guard lock(mutex_);
    drop_expired(session.created);
    drop_oldest_beyond(capacity_ - 1);
    insert(token_digest(session.id, session_purpose), Entry{session.user, session.created, session.expires});
  }
  changed();
  return session;
}

std::optional<LoginSession> SessionStore::find(std::string_view id) const {
  if (!looks_like_token(id)) return std::nullopt;
  const auto at = now();
  const std::string digest = token_digest(id, session_purpose);
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(digest);
  if (it == sessions_.end() || it->second.expires <= at) return std::nullopt;
  return LoginSession{std::string(id), it->second.user, token_digest(id, csrf_purpose), it->second.created,
                      it->second.expires};
}

bool SessionStore::remove(std::string_view id) {
  if (!looks_like_token(id)) return false;
  const std::string digest = token_digest(id, session_purpose);
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(digest);
    if (it == sessions_.end()) return false;
    const auto [first, last] = by_expiry_.equal_range(it->second.expires);
    for (auto entry = first; entry != last; ++entry) {
      if (entry->second == it->first) {
        by_expiry_.erase(entry);
        break;
      }
    }
    sessions_.erase(it);
  }
  changed();
  return true;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::string SessionStore::to_json() const {
  std::vector<SignInRecord> records;
  const auto at = now();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [digest, entry] : sessions_) {
      if (entry.expires > at) records.push_back({digest, entry.user, entry.created, entry.expires});
    }
  }
  return sign_in_records_json(records);
}

std::size_t SessionStore::restore(const std::string& json_array) {
  auto records = parse_sign_in_records(json_array, true);
  const auto at = now();
  std::size_t added = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto& record : records) {
      Entry entry{std::move(record.user), *record.created, record.expires};
      // A session never outlives the ttl configured now.
      if (entry.expires > entry.created + ttl_) entry.expires = entry.created + ttl_;
      if (entry.expires <= at || sessions_.contains(record.digest)) continue;
      insert(std::move(record.digest), std::move(entry));
      ++added;
    }
    drop_oldest_beyond(capacity_);
  }
  return added;
}

}  // namespace notifyd::webui
