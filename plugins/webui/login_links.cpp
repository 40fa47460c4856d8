#include "login_links.hpp"

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/user_name.hpp"
#include "random_token.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view link_purpose = "login-link";

}  // namespace

LoginLinks::LoginLinks(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock)
    : ttl_(ttl), capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)) {}

std::chrono::system_clock::time_point LoginLinks::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

void LoginLinks::drop_oldest_beyond(std::size_t count) {
  while (pending_.size() > count) {
    const auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    });
    pending_.erase(oldest);
  }
}

MintedLink LoginLinks::mint(std::string user) {
  const auto at = now();
  MintedLink link{random_token(), at + ttl_};
  {
    std::lock_guard lock(mutex_);
    std::erase_if(pending_, [&](const auto& entry) { return entry.second.expires <= at; });
    drop_oldest_beyond(capacity_ - 1);
    pending_.emplace(token_digest(link.token, link_purpose), Pending{std::move(user), link.expires});
  }
  if (on_change_) on_change_();
  return link;
}

std::optional<std::string> LoginLinks::peek(std::string_view token) const {
  if (!looks_like_token(token)) return std::nullopt;
  const auto at = now();
  const std::string digest = token_digest(token, link_purpose);
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(digest);
  if (it == pending_.end() || it->second.expires <= at) return std::nullopt;
  return it->second.user;
}

std::optional<std::string> LoginLinks::redeem(std::string_view token) {
  if (!looks_like_token(token)) return std::nullopt;
  const auto at = now();
  const std::string digest = token_digest(token, link_purpose);
  Pending pending;
  {
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(digest);
    if (it == pending_.end()) return std::nullopt;
    pending = std::move(it->second);
    pending_.erase(it);
  }
  if (on_change_) on_change_();
  if (pending.expires <= at) return std::nullopt;
  return std::move(pending.user);
}

std::string LoginLinks::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  const auto at = now();
  writer.StartArray();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [digest, pending] : pending_) {
      if (pending.expires <= at) continue;
      writer.StartObject();
      writer.Key("digest");
      writer.String(digest.data(), static_cast<rapidjson::SizeType>(digest.size()));
      writer.Key("user");
      writer.String(pending.user.data(), static_cast<rapidjson::SizeType>(pending.user.size()));
      writer.Key("expires_ms");
      writer.Int64(sdk::epoch_ms_of(pending.expires));
      writer.EndObject();
    }
  }
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::size_t LoginLinks::restore(const std::string& json_array) {
  rapidjson::Document document;
  if (!sdk::parse_json(json_array, document) || !document.IsArray()) return 0;
  const auto at = now();
  std::size_t added = 0;
  std::lock_guard lock(mutex_);
  for (const auto& item : document.GetArray()) {
    auto key = sdk::json_string(item, "digest");
    auto user = sdk::json_string(item, "user");
    const auto expires = sdk::json_int64(item, "expires_ms");
    if (!key || !user || !expires) continue;
    Pending pending{std::move(*user),
                    sdk::time_point_of_epoch_ms(*expires)};
    // A link never outlives the ttl configured now.
    pending.expires = std::min(pending.expires, at + ttl_);
    if (!looks_like_token(*key) || !sdk::is_valid_user_name(pending.user) || pending.expires <= at ||
        pending_.contains(*key)) {
      continue;
    }
    pending_.emplace(std::move(*key), std::move(pending));
    ++added;
  }
  drop_oldest_beyond(capacity_);
  return added;
}

}  // namespace notifyd::webui
