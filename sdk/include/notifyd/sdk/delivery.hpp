#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "notifyd/sdk/notification.hpp"

namespace notifyd::sdk {

/// One attempt to deliver a notification through a channel.
struct Delivery {
  std::shared_ptr<const Notification> notification;
  std::uint32_t attempt = 1;  ///< 1 for the first try, then 2, 3, ...
};

/// What a channel reports about one delivery attempt.
struct DeliveryResult {
  enum class Outcome {
    delivered,  ///< done; never retried
    retry,      ///< transient failure; the outbox retries with backoff
    permanent,  ///< will never succeed (user blocked the bot); recorded, not retried
  };
  Outcome outcome = Outcome::delivered;
  std::string error;                          ///< why it failed, for history and logs
  std::chrono::milliseconds retry_after{0};   ///< channel-imposed wait before the next try, 0 = backoff

  /// The notification reached the recipient.
  static DeliveryResult ok() { return {}; }
  /// A transient failure; `retry_after` > 0 overrides the outbox backoff.
  static DeliveryResult retry(std::string error, std::chrono::milliseconds retry_after = {}) {
    return {Outcome::retry, std::move(error), retry_after};
  }
  /// A failure that retrying cannot fix.
  static DeliveryResult permanent(std::string error) { return {Outcome::permanent, std::move(error), {}}; }
};

}  // namespace notifyd::sdk
