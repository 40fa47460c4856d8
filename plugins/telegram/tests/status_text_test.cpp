#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "status_text.hpp"
#include "test_support.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::check_status;

namespace {
constexpr std::int64_t now = 1'800'000'000'000;
}

TEST_CASE("/status lists checks with last run, last sent and Run buttons", "[status_text]") {
  const auto reply = status_reply({"alice", true, 0},
                                  {check_status("alice", "disk", now - 5 * 60000, "notified", now - 2 * 3600000),
                                   check_status("alice", "revenue_drop")},
                                  now);
  CHECK(reply.text.find("alice: notifications on") == 0);
  CHECK(reply.text.find("• disk — last run 5m ago (notified), last sent 2h ago") != std::string::npos);
  CHECK(reply.text.find("• revenue_drop — never run, nothing sent yet") != std::string::npos);
  rapidjson::Document keyboard;
  keyboard.Parse(reply.keyboard.c_str());
  REQUIRE_FALSE(keyboard.HasParseError());
  REQUIRE(keyboard["inline_keyboard"].Size() == 2);
  CHECK(std::string(keyboard["inline_keyboard"][0][0]["text"].GetString()) == "Run disk");
  CHECK(std::string(keyboard["inline_keyboard"][1][0]["callback_data"].GetString()) == "run:revenue_drop");
}

TEST_CASE("/status names the host group of another group's check, and whether a replica of it runs",
          "[status_text]") {
  auto report = check_status("alice", "report");
  report.host_group = "analytics";
  report.elsewhere = true;
  auto backup = check_status("alice", "backup");
  backup.host_group = "storage";
  backup.elsewhere = true;
  backup.group_running = false;
  const auto reply = status_reply({"alice", true, 0}, {report, backup}, now);
  CHECK(reply.text.find("• report — never run, nothing sent yet, runs in host group analytics\n") !=
        std::string::npos);
  CHECK(reply.text.find("• backup — never run, nothing sent yet, runs in host group storage (no replica of it is "
                        "running)") != std::string::npos);
  CHECK(reply.keyboard.find("run:backup") != std::string::npos);
}

TEST_CASE("/status shows a mute, a block, and no checks", "[status_text]") {
  CHECK(status_reply({"bob", true, now + 3600000}, {}, now).text.find("muted until") != std::string::npos);
  const auto blocked = status_reply({"bob", false, 0}, {}, now);
  CHECK(blocked.text.find("blocked") != std::string::npos);
  CHECK(blocked.text.find("No checks yet") != std::string::npos);
  CHECK(blocked.keyboard.empty());
}

TEST_CASE("a check whose callback data would be too long gets no button", "[status_text]") {
  const auto reply = status_reply({"a", true, 0}, {check_status("a", std::string(61, 'x'))}, now);
  CHECK(reply.keyboard.empty());
  CHECK(reply.text.find(std::string(61, 'x')) != std::string::npos);
}

TEST_CASE("run outcomes read naturally", "[status_text]") {
  notifyd::sdk::RunRecord run;
  run.duration_ms = 1200;
  run.outcome = "notified";
  CHECK(run_outcome_text("disk", run) == "disk ran (1 s): a notification is on its way.");
  run.outcome = "quiet";
  CHECK(run_outcome_text("disk", run) == "disk ran (1 s): nothing to report.");
  run.outcome = "failed";
  run.detail = "exit status 1";
  CHECK(run_outcome_text("disk", run) == "disk failed (1 s): exit status 1");
  run.outcome = "skipped";
  CHECK(run_outcome_text("disk", run) == "disk is already running.");
  CHECK(run_outcome_text("nope", notifyd::sdk::Result<notifyd::sdk::RunRecord>::failure("unknown check")) ==
        "Could not run nope: unknown check");
}
