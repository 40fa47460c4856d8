#include "status_text.hpp"

#include "bot_requests.hpp"
#include "notifyd/sdk/time_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::telegram {
namespace {

std::string check_line(const sdk::CheckStatus& check, std::int64_t now_ms) {
  std::string line = "• " + check.definition.name + " — ";
  if (check.last_run) {
    line += "last run " + sdk::time_ago(check.last_run->started_at_ms, now_ms, sdk::AgeUnit::minute);
    if (!check.last_run->outcome.empty()) line += " (" + check.last_run->outcome + ")";
  } else {
    line += "never run";
  }
  line += check.last_sent_ms > 0 ? ", last sent " + sdk::time_ago(check.last_sent_ms, now_ms, sdk::AgeUnit::minute) : ", nothing sent yet";
  if (check.next_run_ms > 0) line += ", next " + sdk::time_until(check.next_run_ms, now_ms, sdk::AgeUnit::minute);
  if (check.elsewhere) {
    line += ", runs in host group " + check.host_group;
    if (!check.group_running) line += " (no replica of it is running)";
  }
  return line;
}

}  // namespace

StatusReply status_reply(const DeliveryStanding& standing, const std::vector<sdk::CheckStatus>& checks,
                         std::int64_t now_ms) {
  StatusReply reply;
  reply.text = standing.user + ": ";
  if (!standing.active) {
    reply.text += "notifications are off (the bot is blocked in this chat)";
  } else if (standing.muted_until_ms > now_ms) {
    reply.text += "muted until " + sdk::format_utc_readable(standing.muted_until_ms) + "; /unmute to resume";
  } else {
    reply.text += "notifications on";
  }
  if (checks.empty()) {
    reply.text += "\n\nNo checks yet. Scripts in ~/user/notifications/ appear here once the daemon finds them.";
    return reply;
  }
  reply.text += "\n\nChecks:";
  std::vector<std::pair<std::string, std::string>> buttons;
  for (const auto& check : checks) {
    reply.text += "\n" + check_line(check, now_ms);
    const std::string data = std::string(run_prefix) + check.definition.name;
    if (data.size() <= max_callback_data && buttons.size() < max_run_buttons) {
      buttons.emplace_back("Run " + check.definition.name, data);
    }
  }
  if (!buttons.empty()) reply.keyboard = inline_keyboard(buttons);
  return reply;
}

std::string run_outcome_text(std::string_view name, const sdk::Result<sdk::RunRecord>& outcome) {
  const std::string check(name);
  if (!outcome) return "Could not run " + check + ": " + outcome.error();
  const sdk::RunRecord& run = outcome.value();
  const std::string took = " (" + std::to_string((run.duration_ms + 500) / 1000) + " s)";
  std::string text;
  if (run.outcome == "notified") {
    text = check + " ran" + took + ": a notification is on its way.";
  } else if (run.outcome == "quiet") {
    text = check + " ran" + took + ": nothing to report.";
  } else if (run.outcome == "cooldown") {
    text = check + " ran" + took + ": it reported something, held back by its cooldown.";
  } else if (run.outcome == "timeout") {
    text = check + " timed out" + took + ".";
  } else if (run.outcome == "skipped") {
    text = check + " is already running.";
  } else {
    text = check + " " + (run.outcome.empty() ? std::string("failed") : run.outcome) + took;
    text += run.detail.empty() ? "." : ": " + run.detail.substr(0, 1000);
  }
  return text;
}

}  // namespace notifyd::telegram
