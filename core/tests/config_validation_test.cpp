#include <catch2/catch.hpp>

#include <cstdlib>

#include "config_file.hpp"
#include "config_table_validator.hpp"
#include "configure_problems.hpp"
#include "prepared_config.hpp"
#include "test_support.hpp"

using namespace notifyd;
using notifyd::test::TempDir;

namespace {

std::string all(const core::ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

sdk::ConfigSchema sample_schema() {
  sdk::ConfigSchema schema;
  schema.required_string("chat", "Chat to post to")
      .integer("retries", 3, "How often to retry")
      .boolean("verbose", false, "Log more")
      .duration("timeout", std::chrono::seconds(30), "Request timeout")
      .string_list("users", {}, "Who")
      .path("socket", "run/x.sock", "Socket path")
      .path("scripts", "~/user/notifications/*.py", "Per-user scripts")
      .secret("token", "Bot token");
  return schema;
}

core::ConfigErrors validate(const std::string& toml_text, sdk::PluginConfig* out = nullptr,
                            core::LogSink* sink = nullptr) {
  auto table = toml::parse(std::string_view(toml_text), std::string_view("test.toml"));
  core::ConfigTableValidator validator("test.toml", "/etc/notifyd", "plugin \"x\" (sample)",
                                       [sink](std::string_view s) { if (sink) sink->add_secret(s); });
  validator.reserve({"use", "name"});
  core::ConfigErrors errors;
  auto config = validator.validate(table, sample_schema(), errors);
  if (out) *out = std::move(config);
  return errors;
}

}  // namespace

TEST_CASE("a valid table gives typed values and defaults") {
  sdk::PluginConfig config;
  auto errors = validate("use = \"sample\"\nchat = \"ops\"\nverbose = true\ntimeout = \"2m\"\nusers = [\"a\", \"b\"]\n",
                         &config);
  REQUIRE(errors.empty());
  CHECK(config.string("chat") == "ops");
  CHECK(config.integer("retries") == 3);
  CHECK(config.boolean("verbose"));
  CHECK(config.duration("timeout") == std::chrono::minutes(2));
  CHECK(config.strings("users") == std::vector<std::string>{"a", "b"});
  CHECK(config.string("socket") == "/etc/notifyd/run/x.sock");
  CHECK(config.string("scripts") == "~/user/notifications/*.py");
  CHECK(config.secret("token").empty());
  CHECK(config.is_set("verbose"));
  CHECK_FALSE(config.is_set("retries"));
  CHECK_THROWS(config.string("undeclared"));
}

TEST_CASE("every mistake is reported with line and column") {
  auto errors = validate(
      "use = \"sample\"\n"
      "retries = \"three\"\n"
      "verbos = true\n"
      "timeout = \"soon\"\n"
      "users = [\"a\", 2]\n");
  INFO(all(errors));
  REQUIRE(errors.size() == 5);
  CHECK(errors[0].to_string().starts_with("test.toml:1:1: plugin \"x\" (sample): missing required key `chat`"));
  CHECK(errors[1].to_string() == "test.toml:2:11: plugin \"x\" (sample): `retries` must be an integer, not a string");
  CHECK(errors[2].to_string().starts_with("test.toml:3:1: plugin \"x\" (sample): unknown key `verbos` (known keys: chat,"));
  CHECK(errors[3].to_string().starts_with("test.toml:4:11: plugin \"x\" (sample): `timeout`: \"soon\" is not a duration"));
  CHECK(errors[4].to_string() == "test.toml:5:15: plugin \"x\" (sample): `users` must hold only strings, found an integer");
}

TEST_CASE("secrets are never inline and come from the environment or a file") {
  SECTION("inline is refused") {
    auto errors = validate("chat = \"c\"\ntoken = \"123:abc\"\n");
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, Catch::Contains("is a secret and is never written in the config"));
  }
  SECTION("from the environment, and registered for redaction") {
    ::setenv("NOTIFYD_TEST_TOKEN", "123456:very-secret", 1);
    core::LogSink sink;
    sdk::PluginConfig config;
    auto errors = validate("chat = \"c\"\ntoken_env = \"NOTIFYD_TEST_TOKEN\"\n", &config, &sink);
    REQUIRE(errors.empty());
    CHECK(config.secret("token") == "123456:very-secret");
    CHECK(sink.redact("GET /bot123456:very-secret/getMe") == "GET /bot[redacted]/getMe");
    CHECK(sink.redact("url=bot123456%3Avery-secret") == "url=bot[redacted]");
    ::unsetenv("NOTIFYD_TEST_TOKEN");
  }
  SECTION("an unset variable leaves the secret empty") {
    sdk::PluginConfig config;
    auto errors = validate("chat = \"c\"\ntoken_env = \"NOTIFYD_TEST_UNSET_VARIABLE\"\n", &config);
    REQUIRE(errors.empty());
    CHECK(config.secret("token").empty());
  }
  SECTION("from a file, trailing newline dropped") {
    TempDir dir;
    const auto file = dir.write("token", "from-file-secret\n");
    sdk::PluginConfig config;
    auto errors = validate("chat = \"c\"\ntoken_file = \"" + file.string() + "\"\n", &config);
    REQUIRE(errors.empty());
    CHECK(config.secret("token") == "from-file-secret");
  }
  SECTION("a missing file and both sources are errors") {
    CHECK(validate("chat = \"c\"\ntoken_file = \"/nonexistent/token\"\n").size() == 1);
    CHECK(validate("chat = \"c\"\ntoken_env = \"A\"\ntoken_file = \"/x\"\n").size() == 1);
  }
}

TEST_CASE("the config file reports mistakes in its own tables and [[plugin]] headers") {
  TempDir dir;
  const auto file = dir.write("notifyd.toml",
                              "[daemon]\n"
                              "data_dir = \"./var\"\n"
                              "threads = \"two\"\n"
                              "[pipline]\n"
                              "x = 1\n"
                              "[[plugin]]\n"
                              "name = \"api\"\n"
                              "[[plugin]]\n"
                              "use = \"console\"\n"
                              "[[plugin]]\n"
                              "use = \"console\"\n");
  core::ConfigErrors errors;
  auto config = core::read_config_file(file, errors);
  REQUIRE(config.has_value());
  INFO(all(errors));
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors[0].to_string(), Catch::Contains("notifyd.toml:3:11: [daemon]: `threads` must be an integer"));
  CHECK_THAT(errors[1].to_string(), Catch::Contains("notifyd.toml:4:2: unknown table `pipline`"));
  CHECK_THAT(errors[2].to_string(), Catch::Contains(":6:1: [[plugin]]: missing required key `use`"));
  CHECK_THAT(errors[3].to_string(), Catch::Contains(":10:1: [[plugin]]: the name \"console\" is used twice"));
  CHECK(config->daemon.data_dir == dir.path() / "var");
}

TEST_CASE("a TOML syntax error is reported with its position") {
  TempDir dir;
  const auto file = dir.write("bad.toml", "[daemon]\ndata_dir = \"unterminated\n");
  core::ConfigErrors errors;
  CHECK_FALSE(core::read_config_file(file, errors).has_value());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
}

TEST_CASE("prepare_config validates plugin tables against the schema the library declares") {
  TempDir dir;
  const auto file = dir.write("notifyd.toml",
                              "[daemon]\n"
                              "plugin_dir = \"" NOTIFYD_PLUGIN_DIR "\"\n"
                              "[[plugin]]\n"
                              "use = \"console\"\n"
                              "name = \"screen\"\n"
                              "format = 3\n"
                              "colour = true\n"
                              "[[plugin]]\n"
                              "use = \"no_such_plugin\"\n"
                              "[[plugin]]\n"
                              "use = \"no_such_either\"\n"
                              "optional = true\n");
  core::LogSink sink;
  sink.set_level(sdk::LogLevel::error);
  core::ConfigErrors errors;
  auto prepared = core::prepare_config(file, sink, errors);
  REQUIRE(prepared.has_value());
  INFO(all(errors));
  REQUIRE(errors.size() == 3);
  CHECK_THAT(errors[0].to_string(), Catch::Contains(":6:10: plugin \"screen\" (console): `format` must be a string"));
  CHECK_THAT(errors[1].to_string(), Catch::Contains(":7:1: plugin \"screen\" (console): unknown key `colour`"));
  CHECK_THAT(errors[2].to_string(), Catch::Contains(":8:1: plugin \"no_such_plugin\" (no_such_plugin): "));
  CHECK_THAT(errors[2].to_string(), Catch::Contains("notifyd_no_such_plugin.so: no such plugin library"));
  CHECK(prepared->plugins.size() == 1);
}

TEST_CASE("values that mean nothing are refused where they are written") {
  TempDir dir;
  const auto file = dir.write("notifyd.toml",
                              "[daemon]\n"
                              "threads = 0\n"
                              "shutdown_timeout = \"0s\"\n"
                              "[pipeline]\n"
                              "max_in_flight = -5\n"
                              "retry_max = \"0s\"\n"
                              "history_max_count = 0\n"
                              "[checks]\n"
                              "max_concurrent = 0\n"
                              "failure_alert_after = 0\n"
                              "[[check]]\n"
                              "name = \"disk\"\n"
                              "use = \"disk_space\"\n"
                              "notify = [\"root\"]\n"
                              "schedule = \"*/5 * * *\"\n"
                              "[[check]]\n"
                              "name = \"load\"\n"
                              "use = \"disk_space\"\n"
                              "notify = [\"root\"]\n"
                              "schedule = \"@every 10m\"\n"
                              "[[check]]\n"
                              "name = \"tz\"\n"
                              "use = \"disk_space\"\n"
                              "notify = [\"root\"]\n"
                              "schedule = \"CRON_TZ=Europe/Berlin 0 9 * * 1-5\"\n"
                              "[[check]]\n"
                              "name = \"odd\"\n"
                              "use = \"disk_space\"\n"
                              "notify = [\"root\"]\n"
                              "schedule = \"@fortnightly\"\n");
  core::ConfigErrors errors;
  auto config = core::read_config_file(file, errors);
  REQUIRE(config.has_value());
  INFO(all(errors));
  REQUIRE(errors.size() == 8);
  CHECK_THAT(errors[0].to_string(), Catch::Contains(":2:11: [daemon]: `threads` must be at least 1, not 0"));
  CHECK_THAT(errors[1].to_string(), Catch::Contains(":3:20: [daemon]: `shutdown_timeout` must be longer than zero"));
  CHECK_THAT(errors[2].to_string(), Catch::Contains(":5:17: [pipeline]: `max_in_flight` must be at least 1, not -5"));
  CHECK_THAT(errors[3].to_string(), Catch::Contains(":6:13: [pipeline]: `retry_max` must be longer than zero"));
  CHECK_THAT(errors[4].to_string(), Catch::Contains(":7:21: [pipeline]: `history_max_count` must be at least 1"));
  CHECK_THAT(errors[5].to_string(), Catch::Contains(":9:18: [checks]: `max_concurrent` must be at least 1, not 0"));
  CHECK_THAT(errors[6].to_string(), Catch::Contains(":15:12: [[check]]: `schedule` \"*/5 * * *\" has 4 fields"));
  CHECK_THAT(errors[7].to_string(), Catch::Contains(":30:12: [[check]]: `schedule` \"@fortnightly\" is not one of"));
  CHECK(errors[0].file == file.string());
}

TEST_CASE("[cluster] host_group, lease_ttl and address: defaults, values, and a lease_ttl below 1s refused") {
  TempDir dir;
  core::ConfigErrors errors;
  auto defaults = core::read_config_file(dir.write("defaults.toml", "[daemon]\nthreads = 2\n"), errors);
  REQUIRE(defaults.has_value());
  REQUIRE(errors.empty());
  CHECK(defaults->cluster.host_group.empty());
  CHECK(defaults->cluster.lease_ttl == std::chrono::seconds(10));
  CHECK(defaults->cluster.address.empty());

  auto set = core::read_config_file(
      dir.write("set.toml", "[cluster]\nhost_group = \"analytics-1\"\nlease_ttl = \"3s\"\naddress = \"https://app1:8443\"\n"),
      errors);
  REQUIRE(set.has_value());
  REQUIRE(errors.empty());
  CHECK(set->cluster.host_group == "analytics-1");
  CHECK(set->cluster.lease_ttl == std::chrono::seconds(3));
  CHECK(set->cluster.address == "https://app1:8443");

  auto short_ttl = core::read_config_file(dir.write("short.toml", "[cluster]\nlease_ttl = \"500ms\"\n"), errors);
  REQUIRE(short_ttl.has_value());
  INFO(all(errors));
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0].to_string(),
             Catch::Contains(":2:13: [cluster]: `lease_ttl` must be at least 1s (a lease is renewed every third of it), not 500 ms"));
}

TEST_CASE("a configure() refusal points each line at the key it names") {
  const auto table = toml::parse(std::string_view("[[plugin]]\nuse = \"web\"\nlisten = \"x\"\n"
                                                  "token_file = \"/t\"\nmode = \"999\"\n"),
                                 std::string_view("n.toml"));
  const auto& plugin = *table["plugin"].as_array()->front().as_table();
  sdk::ConfigSchema schema;
  schema.string("listen", "", "").string("mode", "0660", "").string("auth", "link", "").secret("token", "");
  const auto errors = core::locate_configure_problems(
      "n.toml", plugin, schema, "plugin \"web\" (webui)",
      "listen: \"x\" is not host:port\n`mode` is not octal\nauth = \"none\" is refused here\ntoken: unreadable\n"
      "the table as a whole is wrong");
  INFO(all(errors));
  REQUIRE(errors.size() == 5);
  CHECK(errors[0].to_string() == "n.toml:3:10: plugin \"web\" (webui): listen: \"x\" is not host:port");
  CHECK(errors[1].to_string() == "n.toml:5:8: plugin \"web\" (webui): `mode` is not octal");
  CHECK(errors[2].to_string() == "n.toml:1:1: plugin \"web\" (webui): auth = \"none\" is refused here");
  CHECK(errors[3].to_string() == "n.toml:4:14: plugin \"web\" (webui): token: unreadable");
  CHECK(errors[4].to_string() == "n.toml:1:1: plugin \"web\" (webui): the table as a whole is wrong");
}
