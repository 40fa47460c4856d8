#include <catch2/catch.hpp>

#include "queue_text.hpp"

using namespace notifyctl;

TEST_CASE("queue lists what each channel still has to deliver, and the total", "[queue_text]") {
  HealthReport report;
  report.status = "ok";
  report.channels = {{"console", 0, 0, 0, 12, 0, "", "", {}}, {"bot", 3, 1, 2, 1234567, 1, "", "", {}}};
  CHECK(queue_text(report) ==
        "CHANNEL  PENDING  IN FLIGHT  RETRYING  FAILED\n"
        "console        0          0         0       0\n"
        "bot            3          1         2       1\n"
        "3 deliveries waiting\n");
}

TEST_CASE("queue counts a delivery once: pending includes those in flight and retrying", "[queue_text]") {
  HealthReport report;
  report.channels = {{"bot", 3, 0, 3, 0, 0, "", "", {}}, {"desk", 2, 1, 1, 0, 0, "", "", {}}};
  CHECK(queue_text(report).ends_with("\n5 deliveries waiting\n"));
}

TEST_CASE("queue says when nothing waits", "[queue_text]") {
  HealthReport report;
  notifyd::sdk::ChannelHealth idle;
  idle.channel = "bot";
  report.channels = {idle};
  CHECK(queue_text(report) ==
        "CHANNEL  PENDING  IN FLIGHT  RETRYING  FAILED\n"
        "bot            0          0         0       0\n"
        "nothing waiting\n");
  report.channels = {{"bot", 1, 0, 0, 0, 0, "", "", {}}};
  CHECK(queue_text(report).ends_with("\n1 delivery waiting\n"));
  CHECK(queue_text(HealthReport{"ok", {}, {}}) == "no channels\n");
}

TEST_CASE("queue cannot be made to print control characters", "[queue_text]") {
  HealthReport report;
  report.channels = {{"b\x1b[2Jot", 0, 0, 0, 0, 0, "", "", {}}};
  CHECK(queue_text(report).find('\x1b') == std::string::npos);
}
