#pragma once

#include <string>

#include "notifyd/sdk/metrics.hpp"

namespace notifyd::telegram {

/// Every metric series of one Telegram channel instance (label `instance`).
/// Making it creates them at 0, so they are there while the bot is off (no
/// token) too and dashboards show 0 rather than no data.
struct TelegramMetrics {
  TelegramMetrics(sdk::Metrics& metrics, const std::string& instance);

  sdk::Counter& messages_sent;
  sdk::Counter& send_failures;
  sdk::Counter& rate_limited;
  sdk::Gauge& send_queue;
};

}  // namespace notifyd::telegram
