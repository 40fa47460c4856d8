#include <catch2/catch.hpp>

#include "health_text.hpp"

using namespace notifyctl;

TEST_CASE("health prints the status and an aligned table", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"console", 0, 0, 0, 12, 0, "", "", {}, true},
                     {"telegram-bot", 3, 1, 2, 1234567, 1, "", "", {}, false}};
  CHECK(health_text(report) ==
        "status: ok\n"
        "CHANNEL       PENDING  IN FLIGHT  RETRYING  DELIVERED  FAILED  LEADS\n"
        "console             0          0         0         12       0    yes\n"
        "telegram-bot        3          1         2    1234567       1     no\n");
}

TEST_CASE("health aligns channel names by characters, not bytes", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"b\xC3\xB6t-long-name", 1, 0, 0, 0, 0, "", "", {}, true}};
  const std::string text = health_text(report);
  CHECK(text.find("CHANNEL        PENDING") != std::string::npos);
  CHECK(text.find("b\xC3\xB6t-long-name        1") != std::string::npos);
}

TEST_CASE("health without channels or status", "[health_text]") {
  CHECK(health_text(HealthReport{"ok", {}, {}}) == "status: ok\nno channels\n");
  CHECK(health_text(HealthReport{}) == "status: unknown\nno channels\n");
}

TEST_CASE("health lists a channel's own figures under the table", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  notifyd::sdk::ChannelHealth desktop{"desktop", 0, 0, 0, 7, 0, "ok", "", {{"connections", 3}, {"users", 2}}, true};
  report.channels = {{"console", 0, 0, 0, 7, 0, "", "", {}, true}, desktop};
  CHECK(health_text(report) ==
        "status: ok\n"
        "CHANNEL  PENDING  IN FLIGHT  RETRYING  DELIVERED  FAILED  LEADS\n"
        "console        0          0         0          7       0    yes\n"
        "desktop        0          0         0          7       0    yes\n"
        "desktop: connections 3, users 2\n");
}

TEST_CASE("health names a channel that is not ok, with its problem", "[health_text]") {
  const std::string text = health_text({"ok",
                                        {{"bot", 2, 0, 2, 0, 0, "down", "getUpdates failed: HTTP 502", {}, true},
                                         {"desk", 0, 0, 0, 0, 0, "off", "", {}, true},
                                         {"console", 0, 0, 0, 1, 0, "ok", "an old error", {}, true}},
                                        {}});
  CHECK(text.ends_with("bot: down: getUpdates failed: HTTP 502\ndesk: off\n"));
}

TEST_CASE("health shows the engine, the replicas and who holds which lease", "[health_text]") {
  notifyd::sdk::ClusterView cluster;
  cluster.backend = "postgres";
  cluster.replica = "a:10";
  cluster.host_group = "analytics-1";
  cluster.lease_ttl_ms = 3000;
  cluster.schema_version = 2;
  cluster.connections = {{"coordination", "reconnecting", 1765065600000, "server closed the connection"}};
  cluster.replicas = {{"a:10", "analytics-1", "0.9.0", "", 10, 1765065000000, true},
                      {"b:20", "analytics-2", "0.9.0", "https://b.example:8443", 20, 1765065060000, false}};
  cluster.leases = {{"channel/bot", "b:20", 4, 1765065603000}, {"check/disk", "a:10", 1, 0}};
  cluster.as_of_ms = 1765065601000;
  const std::string text = health_text({"degraded", {{"bot", 0, 0, 0, 0, 0, "", "", {}, false}}, cluster});
  CHECK(text ==
        "status: degraded\n"
        "CHANNEL  PENDING  IN FLIGHT  RETRYING  DELIVERED  FAILED  LEADS\n"
        "bot            0          0         0          0       0     no\n"
        "\n"
        "engine: postgres, schema version 2, lease ttl 3000 ms\n"
        "  coordination: reconnecting since 2025-12-07T00:00:00Z (last error: server closed the connection)\n"
        "replicas: 2 (as of 2025-12-07T00:00:01Z)\n"
        "  a:10 (this one)  group analytics-1  version 0.9.0  pid 10  started 2025-12-06T23:50:00Z\n"
        "  b:20  group analytics-2  version 0.9.0  pid 20  started 2025-12-06T23:51:00Z  at https://b.example:8443\n"
        "leases:\n"
        "  channel/bot  held by b:20  epoch 4  until 2025-12-07T00:00:03Z\n"
        "  check/disk  held by a:10 (this one)  epoch 1\n");
}

TEST_CASE("health of a single notifyd: one replica, no connections, no lease held", "[health_text]") {
  notifyd::sdk::ClusterView cluster;
  cluster.backend = "local";
  cluster.replica = "host:7";
  cluster.host_group = "host";
  cluster.lease_ttl_ms = 10000;
  cluster.replicas = {{"host:7", "host", "0.9.0", "", 7, 0, true}};
  CHECK(health_text({"ok", {}, cluster}) ==
        "status: ok\nno channels\n\n"
        "engine: local, lease ttl 10000 ms\n"
        "replicas: 1\n"
        "  host:7 (this one)  group host  version 0.9.0  pid 7\n"
        "leases: none held\n");
}
