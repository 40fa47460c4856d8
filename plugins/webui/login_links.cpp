#include "login_links.hpp"

#include <algorithm>
#include <charconv>

#include "notifyd/sdk/epoch_time.hpp"
#include "random_token.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view link_purpose = "login-link";

}  // namespace

LoginLinks::LoginLinks(sdk::Ephemeral& keys, std::string instance, std::chrono::milliseconds ttl, WallClock clock)
    : keys_(keys), prefix_("webui/" + instance + "/"), ttl_(ttl), clock_(std::move(clock)) {}

std::chrono::system_clock::time_point LoginLinks::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

std::string LoginLinks::key_of(std::string_view token) const { return key_of_digest(token_digest(token, link_purpose)); }

std::string LoginLinks::key_of_digest(std::string_view digest) const {
  return prefix_ + "login-link/" + std::string(digest);
}

// A link's key holds `<expires_ms> <user>`.
std::optional<std::string> LoginLinks::live_user(const std::string& value) const {
  std::int64_t expires_ms = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), expires_ms);
  if (error != std::errc() || end == value.data() + value.size() || *end != ' ' || end + 1 == value.data() + value.size()) {
    return std::nullopt;
  }
  if (expires_ms <= sdk::epoch_ms_of(now())) return std::nullopt;
  return std::string(end + 1, value.data() + value.size());
}

sdk::Result<std::optional<MintedLink>> LoginLinks::mint(const std::string& user) {
  using R = sdk::Result<std::optional<MintedLink>>;
  try {
    const auto minted = keys_.count(prefix_ + "links-minted/" + user, std::chrono::minutes(1));
    if (!minted) return R::failure("cannot mint a login link: " + minted.error());
    if (minted.value() > mints_per_minute) return std::optional<MintedLink>{};
    MintedLink link{random_token(), now() + ttl_};
    if (auto status = keys_.put(key_of(link.token), std::to_string(sdk::epoch_ms_of(link.expires)) + " " + user, ttl_);
        !status) {
      return R::failure("cannot mint a login link: " + status.message);
    }
    return std::optional<MintedLink>{std::move(link)};
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot mint a login link: ") + e.what());
  }
}

sdk::Result<std::optional<std::string>> LoginLinks::peek(std::string_view token) const {
  using R = sdk::Result<std::optional<std::string>>;
  if (!looks_like_token(token)) return std::optional<std::string>{};
  const auto value = keys_.get(key_of(token));
  if (!value) return R::failure("cannot read the login links: " + value.error());
  return value.value() ? live_user(*value.value()) : std::nullopt;
}

sdk::Result<std::optional<std::string>> LoginLinks::redeem(std::string_view token) {
  using R = sdk::Result<std::optional<std::string>>;
  if (!looks_like_token(token)) return std::optional<std::string>{};
  const auto taken = keys_.take(key_of(token));
  if (!taken) return R::failure("cannot redeem the login link: " + taken.error());
  return taken.value() ? live_user(*taken.value()) : std::nullopt;
}

sdk::Result<bool> LoginLinks::adopt(std::string_view digest, const std::string& user,
                                    std::chrono::system_clock::time_point expires) {
  using R = sdk::Result<bool>;
  try {
    const auto at = now();
    expires = std::min(expires, at + ttl_);
    const auto left = std::chrono::floor<std::chrono::milliseconds>(expires - at);
    if (left.count() <= 0) return false;
    const auto put =
        keys_.put_if_absent(key_of_digest(digest), std::to_string(sdk::epoch_ms_of(expires)) + " " + user, left);
    if (!put) return R::failure("cannot keep a login link: " + put.error());
    return put.value();
  } catch (const std::exception& e) {
    return R::failure(std::string("cannot keep a login link: ") + e.what());
  }
}

}  // namespace notifyd::webui
