#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "notifyd/sdk/config.hpp"
#include "notifyd/sdk/status.hpp"

namespace notifyd::telegram {

/// Per-chat and overall send limits (messages per second, bucket sizes).
struct RateLimits {
  double per_chat_rate = 1.0;       ///< private chats
  double group_rate = 20.0 / 60.0;  ///< group chats (negative chat ids)
  std::uint32_t per_chat_burst = 3;
  double global_rate = 30.0;
  std::uint32_t global_burst = 1;
};

/// The validated config of one telegram instance.
struct TelegramSettings {
  std::string token;          ///< empty: the plugin stays off
  std::string api_base_url;   ///< without a trailing slash
  std::chrono::milliseconds poll_timeout{30000};
  std::chrono::milliseconds request_timeout{10000};
  RateLimits limits;
  std::uint32_t sender_threads = 4;
  std::chrono::milliseconds code_ttl{600000};
  std::uint32_t max_failed_verifications = 5;
  std::chrono::milliseconds failed_verification_window{600000};
  std::string users_file;
  std::string codes_file;
  std::string state_file;
  std::string attempts_file;  ///< failed verifications per user (survive reload and restart)
  bool routes = true;
  std::chrono::milliseconds mute_recheck{30000};
  std::chrono::milliseconds max_mute{24 * 3600 * 1000};
};

/// Declares the plugin's config keys (what `--describe-plugins` prints).
void describe_telegram_settings(sdk::ConfigSchema& schema);

/// Reads and checks the instance's config; the error has every problem, one `key: message` line each.
/// `instance` names the default state file.
sdk::Result<TelegramSettings> read_telegram_settings(const sdk::PluginConfig& config, const std::string& instance);

}  // namespace notifyd::telegram
