#include "login_links.hpp"

#include <algorithm>

#include "random_token.hpp"
#include "sign_in_record.hpp"

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
  std::vector<SignInRecord> records;
  const auto at = now();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [digest, pending] : pending_) {
      if (pending.expires > at) records.push_back({digest, pending.user, std::nullopt, pending.expires});
    }
  }
  return sign_in_records_json(records);
}

std::size_t LoginLinks::restore(const std::string& json_array) {
  auto records = parse_sign_in_records(json_array, false);
  const auto at = now();
  std::size_t added = 0;
  std::lock_guard lock(mutex_);
  for (auto& record : records) {
    // A link never outlives the ttl configured now.
    Pending pending{std::move(record.user), std::min(record.expires, at + ttl_)};
    if (pending.expires <= at || pending_.contains(record.digest)) continue;
    pending_.emplace(std::move(record.digest), std::move(pending));
    ++added;
  }
  drop_oldest_beyond(capacity_);
  return added;
}

}  // namespace notifyd::webui
