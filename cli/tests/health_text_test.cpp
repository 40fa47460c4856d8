#include <catch2/catch.hpp>

#include "health_text.hpp"

using namespace notifyctl;

TEST_CASE("health prints the status and an aligned table", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"console", 0, 0, 0, 12, 0, "", "", {}}, {"telegram-bot", 3, 1, 2, 1234567, 1, "", "", {}}};
  CHECK(health_text(report) ==
        "status: ok\n"
        "CHANNEL       PENDING  IN FLIGHT  RETRYING  DELIVERED  FAILED\n"
        "console             0          0         0         12       0\n"
        "telegram-bot        3          1         2    1234567       1\n");
}

TEST_CASE("health aligns channel names by characters, not bytes", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"b\xC3\xB6t-long-name", 1, 0, 0, 0, 0, "", "", {}}};
  const std::string text = health_text(report);
  CHECK(text.find("CHANNEL        PENDING") != std::string::npos);
  CHECK(text.find("b\xC3\xB6t-long-name        1") != std::string::npos);
}

TEST_CASE("health without channels or status", "[health_text]") {
  CHECK(health_text(HealthReport{"ok", {}}) == "status: ok\nno channels\n");
  CHECK(health_text(HealthReport{}) == "status: unknown\nno channels\n");
}

TEST_CASE("health lists a channel's own figures under the table", "[health_text]") {
  HealthReport report;
  report.status = "ok";
  notifyd::sdk::ChannelHealth desktop{"desktop", 0, 0, 0, 7, 0, "ok", "", {{"connections", 3}, {"users", 2}}};
  report.channels = {{"console", 0, 0, 0, 7, 0, "", "", {}}, desktop};
  CHECK(health_text(report) ==
        "status: ok\n"
        "CHANNEL  PENDING  IN FLIGHT  RETRYING  DELIVERED  FAILED\n"
        "console        0          0         0          7       0\n"
        "desktop        0          0         0          7       0\n"
        "desktop: connections 3, users 2\n");
}

TEST_CASE("health names a channel that is not ok, with its problem", "[health_text]") {
  const std::string text = health_text({"ok",
                                        {{"bot", 2, 0, 2, 0, 0, "down", "getUpdates failed: HTTP 502", {}},
                                         {"desk", 0, 0, 0, 0, 0, "off", "", {}},
                                         {"console", 0, 0, 0, 1, 0, "ok", "an old error", {}}}});
  CHECK(text.ends_with("bot: down: getUpdates failed: HTTP 502\ndesk: off\n"));
}
