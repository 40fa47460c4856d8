#include "verify_attempts.hpp"

#include <algorithm>
#include <charconv>

#include <rapidjson/document.h>

#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/json.hpp"

namespace notifyd::telegram {

std::string VerifyAttempts::key(std::string_view user, std::uint32_t slot) const {
  return prefix_ + std::string(user) + "/" + std::to_string(slot);
}

sdk::Result<bool> VerifyAttempts::record_failure(std::string_view user, Clock::time_point failed_at,
                                                 Clock::time_point now) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(failed_at + window_ - now);
  if (left.count() <= 0) return false;
  const std::string value = std::to_string(sdk::epoch_ms_of(failed_at));
  for (std::uint32_t slot = 0; slot < limit_; ++slot) {
    auto taken = keys_.put_if_absent(key(user, slot), value, left);
    if (!taken) return sdk::Result<bool>::failure("cannot record a failed verification: " + taken.error());
    if (taken.value()) return true;
  }
  return false;
}

sdk::Result<VerifyAttempts::Attempt> VerifyAttempts::begin(std::string_view user, Clock::time_point now) {
  using R = sdk::Result<Attempt>;
  const std::string value = std::to_string(sdk::epoch_ms_of(now));
  for (std::uint32_t slot = 0; slot < limit_; ++slot) {
    auto taken = keys_.put_if_absent(key(user, slot), value, window_);
    if (!taken) return R::failure("cannot count failed verifications: " + taken.error());
    if (taken.value()) return Attempt{slot, {}};
  }
  // Every slot holds a failure: the oldest frees the first slot.
  std::chrono::milliseconds wait = window_;
  for (std::uint32_t slot = 0; slot < limit_; ++slot) {
    auto held = keys_.get(key(user, slot));
    if (!held) return R::failure("cannot count failed verifications: " + held.error());
    if (!held.value()) return Attempt{std::nullopt, std::chrono::milliseconds{1}};
    std::int64_t at_ms = 0;
    const auto& text = *held.value();
    if (std::from_chars(text.data(), text.data() + text.size(), at_ms).ec != std::errc{}) continue;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(sdk::time_point_of_epoch_ms(at_ms) + window_ - now);
    wait = std::min(wait, std::max(left, std::chrono::milliseconds{1}));
  }
  return Attempt{std::nullopt, wait};
}

sdk::Status VerifyAttempts::succeeded(std::string_view user, std::uint32_t slot) {
  return keys_.remove(key(user, slot));
}

void import_attempts_file(sdk::DocumentStore& store, const std::string& file, VerifyAttempts& attempts,
                          VerifyAttempts::Clock::time_point now, sdk::Logger& log) {
  auto content = store.read(file);
  if (!content) {
    log.warn("cannot read ", file, ": ", content.error());
    return;
  }
  if (!content.value()) return;
  rapidjson::Document document;
  if (sdk::parse_json(*content.value(), document) && document.IsObject()) {
    for (const auto& member : document.GetObject()) {
      if (!member.value.IsArray()) continue;
      const std::string_view user(member.name.GetString(), member.name.GetStringLength());
      for (const auto& time : member.value.GetArray()) {
        if (!time.IsInt64()) continue;
        if (auto recorded = attempts.record_failure(user, sdk::time_point_of_epoch_ms(time.GetInt64()), now); !recorded) {
          log.warn(recorded.error(), "; ", file, " is kept");
          return;
        }
      }
    }
  } else {
    log.warn(file, " is not a JSON object of failed verifications; removing it");
  }
  if (auto removed = store.remove(file); !removed) log.warn("cannot remove ", file, ": ", removed.message);
}

}  // namespace notifyd::telegram
