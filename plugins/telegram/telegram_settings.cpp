#include "telegram_settings.hpp"

#include <set>
#include <utility>

#include "notifyd/sdk/settings_schema.hpp"
#include "rate.hpp"

namespace notifyd::telegram {

using namespace std::chrono_literals;

namespace {

bool is_document_name(const std::string& name) {
  return !name.empty() && name.front() != '/' && name.find("..") == std::string::npos && name.size() < 256;
}

sdk::Result<std::string> base_url(const std::string& text) {
  std::string url = text;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return sdk::Result<std::string>::failure("must start with https:// or http://, got \"" + url + "\"");
  }
  return url;
}

// `instance` names the default state and attempts files.
sdk::SettingsSchema<TelegramSettings> telegram_settings_schema(const std::string& instance) {
  using S = TelegramSettings;
  sdk::SettingsSchema<S> s(
      "Telegram bot: links chats to users with one-time codes, delivers notifications, answers commands.");
  s.secret("token", "Bot token from @BotFather (token_env = \"TELEGRAM_BOT_TOKEN\"); without one the plugin stays off")
      .into(&S::token)
      .check("a Bot API token", [](const std::string& token) {
        return token.find_first_of(" /?#\r\n\t") == std::string::npos
                   ? std::string()
                   : "the bot token contains characters a Bot API token never has (spaces, '/', '?', '#')";
      });
  s.string("api_base_url", "https://api.telegram.org", "Bot API server (a self-hosted one, or a fake in tests)")
      .into(&S::api_base_url, base_url);
  s.duration("poll_timeout", 30s, "Long-poll timeout of getUpdates").into(&S::poll_timeout).between(0s, 10min);
  s.duration("request_timeout", 10s, "Timeout of every other Bot API request (connect included)")
      .into(&S::request_timeout)
      .between(1s, 10min);
  s.string("per_chat_rate", "1/s", "Messages per private chat (count/s, count/min, count/h)")
      .into([](S& settings, double rate) { settings.limits.per_chat_rate = rate; }, parse_rate);
  s.string("group_rate", "20/min", "Messages per group chat")
      .into([](S& settings, double rate) { settings.limits.group_rate = rate; }, parse_rate);
  s.integer("per_chat_burst", 3, "Messages a chat may receive at once before its rate applies")
      .into([](S& settings, std::int64_t burst) { settings.limits.per_chat_burst = static_cast<std::uint32_t>(burst); })
      .between(1, 100);
  s.string("global_rate", "30/s", "Messages over all chats")
      .into([](S& settings, double rate) { settings.limits.global_rate = rate; }, parse_rate);
  s.integer("global_burst", 1, "Messages over all chats at once before the global rate applies")
      .into([](S& settings, std::int64_t burst) { settings.limits.global_burst = static_cast<std::uint32_t>(burst); })
      .between(1, 1000);
  s.integer("sender_threads", 4, "Concurrent Bot API requests for sending (each keeps its connection)")
      .into(&S::sender_threads)
      .between(1, 32);
  s.duration("code_ttl", 10min, "How long a /start verification code stays valid")
      .into(&S::code_ttl)
      .satisfies("between 1s and 24h", [](std::chrono::milliseconds ttl) { return ttl >= 1s && ttl <= 24h; });
  s.integer("max_failed_verifications", 5, "Failed code entries per user within failed_verification_window")
      .into(&S::max_failed_verifications)
      .between(1, 1000);
  s.duration("failed_verification_window", 10min, "Window of max_failed_verifications")
      .into(&S::failed_verification_window)
      .at_least(1s);
  s.string("users_file", "telegram_users.json", "Links of users to chats, in the data directory (seed format)")
      .into(&S::users_file);
  s.string("codes_file", "pending_codes.json", "Pending verification codes, in the data directory (seed format)")
      .into(&S::codes_file);
  s.string("state_file", "", "Update offset and mutes; default <instance>_telegram_state.json")
      .into([instance](S& settings, const std::string& name) {
        settings.state_file = name.empty() ? instance + "_telegram_state.json" : name;
      });
  s.string("attempts_file", "",
           "Where older versions kept failed code entries; carried over into the replicas' shared keys at start, "
           "then removed; default <instance>_telegram_attempts.json")
      .into([instance](S& settings, const std::string& name) {
        settings.attempts_file = name.empty() ? instance + "_telegram_attempts.json" : name;
      });
  s.rule({}, [](const S& settings, sdk::ConfigProblems& problems) {
    std::set<std::string> files;
    for (const auto& [key, name] : {std::pair{"users_file", &settings.users_file},
                                    std::pair{"codes_file", &settings.codes_file},
                                    std::pair{"state_file", &settings.state_file},
                                    std::pair{"attempts_file", &settings.attempts_file}}) {
      if (!is_document_name(*name)) {
        problems.add(key, "must be a relative path inside the data directory, got \"" + *name + "\"");
      } else if (!files.insert(*name).second) {
        problems.add(key, "`users_file`, `codes_file`, `state_file` and `attempts_file` must be different files");
      }
    }
  });
  s.boolean("routes", true, "Serve /api/telegram/{verify,unlink,status}; only one instance may").into(&S::routes);
  s.duration("mute_recheck", 30s, "How often a held (muted) notification is looked at again; bounds unmute latency")
      .into(&S::mute_recheck)
      .at_least(100ms);
  s.duration("max_mute", 24h, "Longest /mute; keep it at or below [pipeline] delivery_ttl")
      .into(&S::max_mute)
      .at_least(1min);
  return s;
}

}  // namespace

void describe_telegram_settings(sdk::ConfigSchema& schema) { telegram_settings_schema("<instance>").describe(schema); }

sdk::Result<TelegramSettings> read_telegram_settings(const sdk::PluginConfig& config, const std::string& instance) {
  return telegram_settings_schema(instance).read(config);
}

}  // namespace notifyd::telegram
