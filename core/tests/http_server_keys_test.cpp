#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "notifyd/sdk/http/server_settings.hpp"
#include "notifyd/testing/plugin_config.hpp"

using namespace notifyd;
using namespace notifyd::sdk::http;
using namespace std::chrono_literals;

namespace {

struct DashboardSettings {
  std::string title;
  ServerSettings server;
};

const sdk::SettingsSchema<DashboardSettings>& dashboard_schema() {
  static const auto schema = [] {
    sdk::SettingsSchema<DashboardSettings> s("A dashboard.");
    s.string("title", "notifyd", "page title").into(&DashboardSettings::title).not_empty();
    ServerKeys keys{"127.0.0.1:8080"};
    keys.idle_timeout = 5s;
    bind_server_keys(s, &DashboardSettings::server, keys);
    return s;
  }();
  return schema;
}

sdk::PluginConfig dashboard_config(const std::map<std::string, sdk::ConfigValue>& values = {}) {
  return notifyd::testing::plugin_config([](sdk::ConfigSchema& schema) { dashboard_schema().describe(schema); },
                                         values);
}

}  // namespace

TEST_CASE("server keys bound into a plugin's settings struct: defaults, values, constraints in the help") {
  const auto defaults = dashboard_schema().read(dashboard_config());
  REQUIRE(defaults.ok());
  CHECK(defaults.value().title == "notifyd");
  CHECK(defaults.value().server.listen.to_string() == "127.0.0.1:8080");
  CHECK(defaults.value().server.idle_timeout == 5s);
  CHECK(defaults.value().server.socket_mode == 0660);
  CHECK_FALSE(defaults.value().server.tls());

  const auto unix_socket = dashboard_schema().read(dashboard_config(
      {{"listen", std::string("unix:/run/web.sock")}, {"socket_mode", std::string("0600")},
       {"socket_group", std::string("root")}, {"max_connections", std::int64_t{3}}, {"answer_timeout", std::chrono::milliseconds(2s)}}));
  REQUIRE(unix_socket.ok());
  const auto& server = unix_socket.value().server;
  CHECK(server.listen.unix_path == "/run/web.sock");
  CHECK(server.socket_mode == 0600);
  CHECK(server.socket_group == gid_t{0});
  CHECK(server.socket_group_name == "root");
  CHECK(server.max_connections == 3);
  CHECK(server.answer_timeout == 2s);

  sdk::ConfigSchema described;
  dashboard_schema().describe(described);
  const auto& keys = described.keys();
  const auto body_limit = std::find_if(keys.begin(), keys.end(), [](const auto& k) { return k.name == "body_limit"; });
  REQUIRE(body_limit != keys.end());
  CHECK(body_limit->help.ends_with("; must be greater than zero"));
}

TEST_CASE("server keys bound into a plugin's settings struct: every mistake at once, none twice") {
  const auto read = dashboard_schema().read(dashboard_config(
      {{"title", std::string("")}, {"listen", std::string("example.org:80")}, {"socket_group", std::string("www")},
       {"tls_key", std::string("/k.pem")}, {"body_limit", std::int64_t{0}}, {"idle_timeout", std::chrono::milliseconds(0)},
       {"socket_mode", std::string("999")}}));
  REQUIRE_FALSE(read.ok());
  const std::string& message = read.error();
  CHECK(message.find("title: must be not empty") != std::string::npos);
  CHECK((message.starts_with("listen: ") || message.find("\nlisten: ") != std::string::npos));
  CHECK(message.find("listen: listen:") == std::string::npos);
  CHECK(message.find("socket_mode: \"999\" is not an octal file mode") != std::string::npos);
  CHECK(message.find("tls_key: tls_cert and tls_key go together") != std::string::npos);
  CHECK(message.find("body_limit: must be greater than zero") != std::string::npos);
  CHECK(message.find("idle_timeout: must be greater than zero") != std::string::npos);
  CHECK(message.find("applies only to listen") == std::string::npos);  // listen was refused: no rule on it
}
