#include "telegram_settings.hpp"

#include <set>
#include <tuple>
#include <utility>

#include "notifyd/sdk/config_problems.hpp"
#include "rate.hpp"

namespace notifyd::telegram {

using namespace std::chrono_literals;

void describe_telegram_settings(sdk::ConfigSchema& schema) {
  schema.summary("Telegram bot: links chats to users with one-time codes, delivers notifications, answers commands.")
      .secret("token", "Bot token from @BotFather (token_env = \"TELEGRAM_BOT_TOKEN\"); without one the plugin stays off")
      .string("api_base_url", "https://api.telegram.org", "Bot API server (a self-hosted one, or a fake in tests)")
      .duration("poll_timeout", 30s, "Long-poll timeout of getUpdates")
      .duration("request_timeout", 10s, "Timeout of every other Bot API request (connect included)")
      .string("per_chat_rate", "1/s", "Messages per private chat (count/s, count/min, count/h)")
      .string("group_rate", "20/min", "Messages per group chat")
      .integer("per_chat_burst", 3, "Messages a chat may receive at once before its rate applies")
      .string("global_rate", "30/s", "Messages over all chats")
      .integer("global_burst", 1, "Messages over all chats at once before the global rate applies")
      .integer("sender_threads", 4, "Concurrent Bot API requests for sending (each keeps its connection)")
      .duration("code_ttl", 10min, "How long a /start verification code stays valid")
      .integer("max_failed_verifications", 5, "Failed code entries per user within failed_verification_window")
      .duration("failed_verification_window", 10min, "Window of max_failed_verifications")
      .string("users_file", "telegram_users.json", "Links of users to chats, in the data directory (seed format)")
      .string("codes_file", "pending_codes.json", "Pending verification codes, in the data directory (seed format)")
      .string("state_file", "", "Update offset and mutes; default <instance>_telegram_state.json")
      .string("attempts_file", "",
              "Failed code entries per user (the wrong-code limit); default <instance>_telegram_attempts.json")
      .boolean("routes", true, "Serve /api/telegram/{verify,unlink,status}; only one instance may")
      .duration("mute_recheck", 30s, "How often a held (muted) notification is looked at again; bounds unmute latency")
      .duration("max_mute", 24h, "Longest /mute; keep it at or below [pipeline] delivery_ttl");
}

namespace {

bool is_document_name(const std::string& name) {
  return !name.empty() && name.front() != '/' && name.find("..") == std::string::npos && name.size() < 256;
}

}  // namespace

sdk::Result<TelegramSettings> read_telegram_settings(const sdk::PluginConfig& config, const std::string& instance) {
  TelegramSettings s;
  sdk::ConfigProblems problems;
  s.token = config.secret("token");
  if (s.token.find_first_of(" /?#\r\n\t") != std::string::npos) {
    problems.add("token", "the bot token contains characters a Bot API token never has (spaces, '/', '?', '#')");
  }
  s.api_base_url = config.string("api_base_url");
  while (!s.api_base_url.empty() && s.api_base_url.back() == '/') s.api_base_url.pop_back();
  if (!s.api_base_url.starts_with("https://") && !s.api_base_url.starts_with("http://")) {
    problems.add("api_base_url", "must start with https:// or http://, got \"" + s.api_base_url + "\"");
  }
  s.poll_timeout = config.duration("poll_timeout");
  if (s.poll_timeout < 0ms || s.poll_timeout > 600s) problems.add("poll_timeout", "must be between 0s and 10m");
  s.request_timeout = config.duration("request_timeout");
  if (s.request_timeout < 1s || s.request_timeout > 600s) problems.add("request_timeout", "must be between 1s and 10m");
  for (const auto& [key, target] : {std::pair{"per_chat_rate", &s.limits.per_chat_rate},
                                    std::pair{"group_rate", &s.limits.group_rate},
                                    std::pair{"global_rate", &s.limits.global_rate}}) {
    if (auto rate = parse_rate(config.string(key))) {
      *target = rate.value();
    } else {
      problems.add(key, rate.error());
    }
  }
  for (const auto& [key, low, high, target] :
       {std::tuple{"per_chat_burst", 1, 100, &s.limits.per_chat_burst},
        std::tuple{"global_burst", 1, 1000, &s.limits.global_burst},
        std::tuple{"sender_threads", 1, 32, &s.sender_threads},
        std::tuple{"max_failed_verifications", 1, 1000, &s.max_failed_verifications}}) {
    const auto value = config.integer(key);
    if (value < low || value > high) {
      problems.add(key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    } else {
      *target = static_cast<std::uint32_t>(value);
    }
  }
  s.code_ttl = config.duration("code_ttl");
  if (s.code_ttl < 1s || s.code_ttl > 24h) problems.add("code_ttl", "must be between 1s and 24h");
  s.failed_verification_window = config.duration("failed_verification_window");
  if (s.failed_verification_window < 1s) problems.add("failed_verification_window", "must be at least 1s");
  s.users_file = config.string("users_file");
  s.codes_file = config.string("codes_file");
  s.state_file = config.string("state_file");
  if (s.state_file.empty()) s.state_file = instance + "_telegram_state.json";
  s.attempts_file = config.string("attempts_file");
  if (s.attempts_file.empty()) s.attempts_file = instance + "_telegram_attempts.json";
  std::set<std::string> files;
  for (const auto& [key, name] : {std::pair{"users_file", &s.users_file}, std::pair{"codes_file", &s.codes_file},
                                  std::pair{"state_file", &s.state_file}, std::pair{"attempts_file", &s.attempts_file}}) {
    if (!is_document_name(*name)) {
      problems.add(key, "must be a relative path inside the data directory, got \"" + *name + "\"");
    } else if (!files.insert(*name).second) {
      problems.add(key, "`users_file`, `codes_file`, `state_file` and `attempts_file` must be different files");
    }
  }
  s.routes = config.boolean("routes");
  s.mute_recheck = config.duration("mute_recheck");
  if (s.mute_recheck < 100ms) problems.add("mute_recheck", "must be at least 100ms");
  s.max_mute = config.duration("max_mute");
  if (s.max_mute < 1min) problems.add("max_mute", "must be at least 1m");
  if (!problems.empty()) return sdk::Result<TelegramSettings>::failure(problems.status().message);
  return s;
}

}  // namespace notifyd::telegram
