#include "publish_rate.hpp"

#include "notifyd/sdk/epoch_time.hpp"

namespace notifyd::webui {

PublishRate::PublishRate(sdk::Ephemeral& keys, std::string instance, PublishRateSettings settings, WallClock clock)
    : keys_(keys), prefix_("webui/" + instance + "/publish-rate/"), settings_(settings), clock_(std::move(clock)) {}

std::chrono::seconds PublishRate::left_in(std::chrono::milliseconds window) const {
  const auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  const std::int64_t ms = sdk::epoch_ms_of(now) % window.count();
  const std::int64_t left_ms = window.count() - ms;
  return std::chrono::seconds(std::max<std::int64_t>(1, (left_ms + 999) / 1000));
}

sdk::Result<std::optional<std::chrono::seconds>> PublishRate::admit(std::string_view token_id) {
  using R = sdk::Result<std::optional<std::chrono::seconds>>;
  const std::string key = prefix_ + std::string(token_id);
  const auto burst = keys_.count(key + "/burst", burst_window);
  if (!burst) return R::failure("cannot count the token's requests: " + burst.error());
  if (burst.value() > settings_.burst) return std::optional{left_in(burst_window)};
  const auto minute = keys_.count(key + "/minute", minute_window);
  if (!minute) return R::failure("cannot count the token's requests: " + minute.error());
  if (minute.value() > settings_.per_minute) return std::optional{left_in(minute_window)};
  return std::optional<std::chrono::seconds>{};
}

}  // namespace notifyd::webui
