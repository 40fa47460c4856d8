#include "login_links.hpp"

#include <algorithm>

#include "random_token.hpp"

namespace notifyd::webui {

LoginLinks::LoginLinks(std::chrono::milliseconds ttl, std::size_t capacity, WallClock clock)
    : ttl_(ttl), capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)) {}

std::chrono::system_clock::time_point LoginLinks::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

MintedLink LoginLinks::mint(std::string user) {
  MintedLink link{random_token(), now() + ttl_};
  const auto at = now();
  std::lock_guard lock(mutex_);
  std::erase_if(pending_, [&](const auto& entry) { return entry.second.expires <= at; });
  while (pending_.size() >= capacity_) {
    const auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    });
    pending_.erase(oldest);
  }
  pending_.emplace(link.token, Pending{std::move(user), link.expires});
  return link;
}

std::optional<std::string> LoginLinks::peek(std::string_view token) const {
  if (!looks_like_token(token)) return std::nullopt;
  const auto at = now();
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(token);
  if (it == pending_.end() || it->second.expires <= at) return std::nullopt;
  return it->second.user;
}

std::optional<std::string> LoginLinks::redeem(std::string_view token) {
  if (!looks_like_token(token)) return std::nullopt;
  const auto at = now();
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(token);
  if (it == pending_.end()) return std::nullopt;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  if (pending.expires <= at) return std::nullopt;
  return std::move(pending.user);
}

}  // namespace notifyd::webui
