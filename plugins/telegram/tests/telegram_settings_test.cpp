#include <catch2/catch.hpp>

#include "notifyd/testing/problem_lines.hpp"
#include "telegram_settings.hpp"

using namespace notifyd::telegram;
using notifyd::sdk::ConfigValue;

namespace {

notifyd::sdk::PluginConfig config(const std::map<std::string, ConfigValue>& overrides = {}) {
  notifyd::sdk::ConfigSchema schema;
  describe_telegram_settings(schema);
  std::map<std::string, ConfigValue, std::less<>> values;
  for (const auto& key : schema.keys()) values[key.name] = key.default_value;
  std::vector<std::string> set;
  for (const auto& [name, value] : overrides) {
    REQUIRE(schema.find(name) != nullptr);
    values[name] = value;
    set.push_back(name);
  }
  return notifyd::sdk::PluginConfig(std::move(values), std::move(set));
}

}  // namespace

TEST_CASE("defaults match the seed and Telegram's limits", "[settings]") {
  const auto settings = read_telegram_settings(config(), "bot");
  REQUIRE(settings.ok());
  const auto& s = settings.value();
  CHECK(s.token.empty());
  CHECK(s.api_base_url == "https://api.telegram.org");
  CHECK(s.poll_timeout == std::chrono::seconds(30));
  CHECK(s.limits.per_chat_rate == Approx(1.0));
  CHECK(s.limits.global_rate == Approx(30.0));
  CHECK(s.code_ttl == std::chrono::minutes(10));
  CHECK(s.max_failed_verifications == 5);
  CHECK(s.users_file == "telegram_users.json");
  CHECK(s.codes_file == "pending_codes.json");
  CHECK(s.state_file == "bot_telegram_state.json");
  CHECK(s.routes);
}

TEST_CASE("bad values name their key", "[settings]") {
  const auto check_refused = [](std::map<std::string, ConfigValue> overrides, const std::string& key) {
    const auto settings = read_telegram_settings(config(overrides), "bot");
    REQUIRE_FALSE(settings.ok());
    CHECK(settings.error().find(key) != std::string::npos);
  };
  check_refused({{"api_base_url", std::string("ftp://x")}}, "api_base_url");
  check_refused({{"per_chat_rate", std::string("fast")}}, "per_chat_rate");
  check_refused({{"global_rate", std::string("0/s")}}, "global_rate");
  check_refused({{"per_chat_burst", std::int64_t{0}}}, "per_chat_burst");
  check_refused({{"users_file", std::string("/etc/passwd")}}, "users_file");
  check_refused({{"codes_file", std::string("../x.json")}}, "codes_file");
  check_refused({{"codes_file", std::string("telegram_users.json")}}, "different files");
  check_refused({{"token", std::string("123:abc/def")}}, "token");
}

TEST_CASE("a trailing slash on the base URL is dropped", "[settings]") {
  const auto settings = read_telegram_settings(config({{"api_base_url", std::string("http://127.0.0.1:8081/")}}), "b");
  CHECK(settings.value().api_base_url == "http://127.0.0.1:8081");
}

TEST_CASE("every wrong key is reported at once, one line each starting with the key", "[settings]") {
  const auto settings = read_telegram_settings(config({{"api_base_url", std::string("ftp://x")},
                                                       {"per_chat_burst", std::int64_t{0}},
                                                       {"codes_file", std::string("telegram_users.json")},
                                                       {"max_mute", std::chrono::milliseconds{1000}}}),
                                               "bot");
  REQUIRE_FALSE(settings.ok());
  const auto lines = notifyd::testing::problem_lines(settings.error());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "api_base_url: must start with https:// or http://, got \"ftp://x\"");
  CHECK(lines[1] == "per_chat_burst: must be between 1 and 100");
  CHECK(lines[2] ==
        "codes_file: `users_file`, `codes_file`, `state_file` and `attempts_file` must be different files");
  CHECK(lines[3] == "max_mute: must be at least 1m");
}
