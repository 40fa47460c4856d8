#include <catch2/catch.hpp>

#include "checks_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

using namespace notifyctl;

namespace {

const std::int64_t now = *notifyd::sdk::parse_utc_timestamp("2025-11-25T14:10:00Z");

CheckRun run_of(std::string check, std::string outcome) {
  CheckRun run;
  run.check = std::move(check);
  run.outcome = std::move(outcome);
  return run;
}

}  // namespace

TEST_CASE("the checks table shows last run, outcome and next run", "[checks_text]") {
  CheckList list;
  CheckEntry disk{"disk", "alice", "*/5 * * * *", "/x/disk.py", run_of("disk", "failed"), "", "2025-11-25T14:15:00.000Z"};
  disk.last_run->started_at = "2025-11-25T14:05:00.000Z";
  list.checks.push_back(disk);
  list.checks.push_back(CheckEntry{"revenue_drop", "alice", "", "", std::nullopt, "", ""});
  CHECK(checks_table(list, now) ==
        "NAME          LAST RUN  OUTCOME  NEXT RUN\n"
        "disk          5m ago    failed   in 5m\n"
        "revenue_drop  never     -        -\n");
}

TEST_CASE("several users' checks get a user column", "[checks_text]") {
  CheckList list;
  list.checks.push_back(CheckEntry{"a", "alice", "", "", std::nullopt, "", ""});
  list.checks.push_back(CheckEntry{"b", "bob", "", "", std::nullopt, "", ""});
  CHECK(checks_table(list, now).starts_with("USER   NAME  LAST RUN"));
  CHECK(checks_table(CheckList{}, now) == "no checks\n");
}

TEST_CASE("a run result is one line, with stderr for failures", "[checks_text]") {
  CheckRun notified = run_of("revenue_drop", "notified");
  notified.notification_id = 42;
  notified.exit_code = 0;
  CHECK(run_result_text(notified) == "revenue_drop: notified (notification 42)\n");

  CheckRun failed = run_of("disk", "failed");
  failed.exit_code = 3;
  failed.detail = "exit status 3";
  failed.stderr_text = "1\n2\n3\n4\n5\n6\nTraceback: boom\n";
  CHECK(run_result_text(failed) ==
        "disk: failed (exit 3) \xE2\x80\x94 exit status 3\n  | 3\n  | 4\n  | 5\n  | 6\n  | Traceback: boom\n");

  CheckRun quiet = run_of("q", "quiet");
  quiet.stderr_text = "warning only\n";
  CHECK(run_result_text(quiet) == "q: quiet\n");
}

TEST_CASE("runs are listed with details and the whole stderr", "[checks_text]") {
  RunList list;
  CheckRun run = run_of("disk", "timeout");
  run.id = 12;
  run.started_at = "2025-11-25T14:09:00.000Z";
  run.trigger = "schedule";
  run.exit_code = 143;
  run.duration_ms = 60'012;
  run.detail = "timed out after 1m";
  run.stderr_text = "a\nb\n";
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
