#include "telegram_metrics.hpp"

namespace notifyd::telegram {

TelegramMetrics::TelegramMetrics(sdk::Metrics& metrics, const std::string& instance)
    : messages_sent(metrics.counter("telegram_messages_sent_total", "Messages the Telegram bot sent",
                                    {{"instance", instance}})),
      send_failures(metrics.counter("telegram_send_failures_total", "Bot API sends that failed",
                                    {{"instance", instance}})),
      rate_limited(metrics.counter("telegram_rate_limited_total", "429 replies from the Bot API",
                                   {{"instance", instance}})),
      send_queue(metrics.gauge("telegram_send_queue", "Jobs waiting for the Telegram rate limits",
                               {{"instance", instance}})) {}

}  // namespace notifyd::telegram
