#include <catch2/catch.hpp>

#include "checks_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

using namespace notifyctl;

namespace {

const std::int64_t now = *notifyd::sdk::parse_utc_timestamp("2025-11-25T14:10:00Z");

using notifyd::sdk::CheckStatus;
using notifyd::sdk::RunRecord;

RunRecord run_of(std::string check, std::string outcome) {
  RunRecord run;
  run.check = std::move(check);
  run.outcome = std::move(outcome);
  return run;
}

CheckStatus check_of(std::string name, std::string user) {
  CheckStatus check;
  check.definition.name = std::move(name);
  check.definition.user = std::move(user);
  return check;
}

std::int64_t at(const char* iso) { return *notifyd::sdk::parse_utc_timestamp(iso); }

}  // namespace

TEST_CASE("the checks table shows last run, outcome and next run", "[checks_text]") {
  CheckList list;
  CheckStatus disk = check_of("disk", "alice");
  disk.definition.schedule = "*/5 * * * *";
  disk.definition.origin = "/x/disk.py";
  disk.last_run = run_of("disk", "failed");
  disk.last_run->started_at_ms = at("2025-11-25T14:05:00.000Z");
  disk.next_run_ms = at("2025-11-25T14:15:00.000Z");
  list.checks.push_back(disk);
  list.checks.push_back(check_of("revenue_drop", "alice"));
  CHECK(checks_table(list, now) ==
        "NAME          LAST RUN  OUTCOME  NEXT RUN\n"
        "disk          5m ago    failed   in 5m\n"
        "revenue_drop  never     -        -\n");
}

TEST_CASE("several users' checks get a user column", "[checks_text]") {
  CheckList list;
  list.checks.push_back(check_of("a", "alice"));
  list.checks.push_back(check_of("b", "bob"));
  CHECK(checks_table(list, now).starts_with("USER   NAME  LAST RUN"));
  CHECK(checks_table(CheckList{}, now) == "no checks\n");
}

TEST_CASE("checks of other host groups get a host group column, saying when none of its replicas runs",
          "[checks_text]") {
  CheckList list;
  CheckStatus here = check_of("disk", "alice");
  here.host_group = "web";
  CheckStatus report = check_of("report", "alice");
  report.host_group = "analytics";
  report.elsewhere = true;
  report.last_run = run_of("report", "quiet");
  report.last_run->started_at_ms = at("2025-11-25T14:08:00.000Z");
  CheckStatus backup = check_of("backup", "alice");
  backup.host_group = "storage";
  backup.elsewhere = true;
  backup.group_running = false;
  list.checks = {backup, here, report};
  CHECK(checks_table(list, now) ==
        "NAME    LAST RUN  OUTCOME  NEXT RUN  HOST GROUP\n"
        "backup  never     -        -         storage (no replica running)\n"
        "disk    never     -        -         web\n"
        "report  2m ago    quiet    -         analytics\n");
}

TEST_CASE("a run result is one line, with stderr for failures", "[checks_text]") {
  RunRecord notified = run_of("revenue_drop", "notified");
  notified.notification_id = 42;
  notified.exit_code = 0;
  CHECK(run_result_text(notified) == "revenue_drop: notified (notification 42)\n");

  RunRecord failed = run_of("disk", "failed");
  failed.exit_code = 3;
  failed.detail = "exit status 3";
  failed.stderr_tail = "1\n2\n3\n4\n5\n6\nTraceback: boom\n";
  CHECK(run_result_text(failed) ==
        "disk: failed (exit 3) \xE2\x80\x94 exit status 3\n  | 3\n  | 4\n  | 5\n  | 6\n  | Traceback: boom\n");

  RunRecord quiet = run_of("q", "quiet");
  quiet.stderr_tail = "warning only\n";
  CHECK(run_result_text(quiet) == "q: quiet\n");
}

TEST_CASE("runs are listed with details and the whole stderr", "[checks_text]") {
  RunList list;
  RunRecord run = run_of("disk", "timeout");
  run.id = 12;
  run.started_at_ms = at("2025-11-25T14:09:00.000Z");
  run.trigger = "schedule";
  run.exit_code = 143;
  run.duration_ms = 60'012;
  run.detail = "timed out after 1m";
  run.stderr_tail = "a\nb\n";
  list.runs.push_back(run);
  list.runs.push_back(run_of("disk", "quiet"));
  CHECK(runs_text(list, now) ==
        "#12  2025-11-25T14:09:00.000Z (1m ago)  schedule  timeout  exit 143  1m00s\n"
        "  timed out after 1m\n"
        "  stderr:\n"
        "  | a\n"
        "  | b\n"
        "\n"
        "#?  quiet\n");
  CHECK(runs_text(RunList{}, now) == "no runs\n");
}

TEST_CASE("outcomes that count as failures", "[checks_text]") {
  for (const char* outcome : {"failed", "refused", "timeout", "bad_output"}) CHECK(is_failed_outcome(outcome));
  for (const char* outcome : {"notified", "quiet", "cooldown", "skipped"}) CHECK_FALSE(is_failed_outcome(outcome));
}
