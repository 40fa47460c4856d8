#include "session_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "random_token.hpp"

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
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto at = now();
  writer.StartArray();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [digest, entry] : sessions_) {
      if (entry.expires <= at) continue;
      writer.StartObject();
      writer.Key("digest");
      writer.String(digest.data(), static_cast<rapidjson::SizeType>(digest.size()));
      writer.Key("user");
      writer.String(entry.user.data(), static_cast<rapidjson::SizeType>(entry.user.size()));
      writer.Key("created_ms");
      writer.Int64(sdk::epoch_ms_of(entry.created));
      writer.Key("expires_ms");
      writer.Int64(sdk::epoch_ms_of(entry.expires));
      writer.EndObject();
    }
  }
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::size_t SessionStore::restore(const std::string& json_array) {
  rapidjson::Document document;
  if (!sdk::parse_json(json_array, document) || !document.IsArray()) return 0;
  const auto at = now();
  std::size_t added = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& item : document.GetArray()) {
      auto key = sdk::json_string(item, "digest");
      auto user = sdk::json_string(item, "user");
      const auto created = sdk::json_int64(item, "created_ms");
      const auto expires = sdk::json_int64(item, "expires_ms");
      if (!key || !user || !created || !expires) continue;
      Entry entry{std::move(*user), sdk::time_point_of_epoch_ms(*created), sdk::time_point_of_epoch_ms(*expires)};
      // A session never outlives the ttl configured now.
      if (entry.expires > entry.created + ttl_) entry.expires = entry.created + ttl_;
      if (!looks_like_token(*key) || !sdk::is_valid_user_name(entry.user) || entry.expires <= at || sessions_.contains(*key)) {
        continue;
      }
      insert(std::move(*key), std::move(entry));
      ++added;
    }
    drop_oldest_beyond(capacity_);
  }
  return added;
}

}  // namespace notifyd::webui
