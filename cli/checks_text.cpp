#include "checks_text.hpp"

#include <algorithm>
#include <vector>

#include "notifyd/sdk/time_text.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "terminal_text.hpp"
#include "text_table.hpp"

namespace notifyctl {
namespace {

constexpr std::string_view em_dash = " \xE2\x80\x94 ";
constexpr std::size_t detail_width = 200;

using Row = std::vector<std::string>;

std::string when_ago(std::int64_t at_ms, std::int64_t now_ms) {
  if (at_ms <= 0) return "never";
  return notifyd::sdk::time_ago(at_ms, now_ms, notifyd::sdk::AgeUnit::second);
}

std::string when_next(std::int64_t at_ms, std::int64_t now_ms) {
  if (at_ms <= 0) return "-";
  return notifyd::sdk::time_until(at_ms, now_ms, notifyd::sdk::AgeUnit::second);
}

std::vector<std::string> last_lines(std::string_view text, std::size_t count) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<std::string> lines;
  while (!text.empty() && lines.size() < count) {
    const auto newline = text.rfind('\n');
    const std::string_view line = newline == std::string_view::npos ? text : text.substr(newline + 1);
    lines.push_back(printable_line(line));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(0, newline);
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

std::string outcome_or_unknown(const std::string& outcome) {
  return outcome.empty() ? std::string("unknown") : printable_line(outcome);
}

}  // namespace

bool is_failed_outcome(std::string_view outcome) {
  return outcome == "failed" || outcome == "refused" || outcome == "timeout" || outcome == "bad_output";
}

std::string checks_table(const CheckList& list, std::int64_t now_ms) {
  if (list.checks.empty()) return "no checks\n";
  const bool several_users = std::any_of(list.checks.begin(), list.checks.end(),
                                         [&](const notifyd::sdk::CheckStatus& check) {
                                           return check.definition.user != list.checks.front().definition.user;
                                         });
  // With replicas in several host groups, where each check runs.
  const bool several_groups = std::any_of(list.checks.begin(), list.checks.end(),
                                          [](const notifyd::sdk::CheckStatus& check) { return check.elsewhere; });
  std::vector<Row> rows;
  Row titles{"NAME", "LAST RUN", "OUTCOME", "NEXT RUN"};
  if (several_users) titles.insert(titles.begin(), "USER");
  if (several_groups) titles.push_back("HOST GROUP");
  rows.push_back(titles);
  for (const notifyd::sdk::CheckStatus& check : list.checks) {
    const notifyd::sdk::CheckDefinition& definition = check.definition;
    Row row{definition.name.empty() ? "?" : printable_line(definition.name),
            check.last_run ? when_ago(check.last_run->started_at_ms, now_ms) : "never",
            check.last_run ? outcome_or_unknown(check.last_run->outcome) : "-", when_next(check.next_run_ms, now_ms)};
    if (several_users) row.insert(row.begin(), printable_line(definition.user));
    if (several_groups) {
      row.push_back(printable_line(check.host_group) + (check.group_running ? "" : " (no replica running)"));
    }
    rows.push_back(std::move(row));
  }
  return aligned_table(rows, std::vector<ColumnAlignment>(rows.front().size(), ColumnAlignment::left));
}

std::string run_result_text(const notifyd::sdk::RunRecord& run) {
  std::string line = (run.check.empty() ? std::string("?") : printable_line(run.check)) + ": " +
                     outcome_or_unknown(run.outcome);
  if (run.outcome == "notified" && run.notification_id != 0) {
    line += " (notification " + std::to_string(run.notification_id) + ")";
  } else if (run.exit_code && *run.exit_code != 0) {
    line += " (exit " + std::to_string(*run.exit_code) + ")";
  }
  if (!run.detail.empty()) line += std::string(em_dash) + truncate_characters(printable_line(run.detail), detail_width);
  line += '\n';
  if (is_failed_outcome(run.outcome)) {
    for (const std::string& stderr_line : last_lines(run.stderr_tail, run_stderr_lines)) line += "  | " + stderr_line + '\n';
  }
  return line;
}

std::string runs_text(const RunList& list, std::int64_t now_ms) {
  if (list.runs.empty()) return "no runs\n";
  std::string text;
  for (const notifyd::sdk::RunRecord& run : list.runs) {
    if (!text.empty()) text += '\n';
    std::string header = run.id != 0 ? "#" + std::to_string(run.id) : "#?";
    if (run.started_at_ms > 0) {
      header += "  " + notifyd::sdk::format_utc_timestamp(run.started_at_ms, notifyd::sdk::SecondFraction::milliseconds) +
                " (" + when_ago(run.started_at_ms, now_ms) + ")";
    }
    if (!run.trigger.empty()) header += "  " + printable_line(run.trigger);
    header += "  " + outcome_or_unknown(run.outcome);
    if (run.exit_code) header += "  exit " + std::to_string(*run.exit_code);
    if (run.duration_ms > 0) {
      header += "  " + notifyd::sdk::readable_duration(run.duration_ms, notifyd::sdk::DurationStyle::compact);
    }
    if (run.notification_id != 0) header += "  notification " + std::to_string(run.notification_id);
    text += header + '\n';
    if (!run.detail.empty()) {
      for (const std::string& line : last_lines(run.detail, 1000)) text += "  " + line + '\n';
    }
    if (!run.stderr_tail.empty()) {
      text += "  stderr:\n";
      std::string_view rest = run.stderr_tail;
      while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
      for (const std::string& line : last_lines(rest, static_cast<std::size_t>(-1))) text += "  | " + line + '\n';
    }
  }
  return text;
}

}  // namespace notifyctl
