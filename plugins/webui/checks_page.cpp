#include "checks_page.hpp"

#include "html_text.hpp"
#include "notifyd/sdk/time_text.hpp"
#include "page_layout.hpp"

namespace notifyd::webui {
namespace {

std::string badge(std::string_view outcome) {
  const std::string_view tone = outcome_tone(outcome);
  return "<span class=\"badge" + std::string(tone.empty() ? "" : " ") + std::string(tone) + "\">" +
         html_escape(outcome) + "</span>";
}

std::string fact(std::string_view term, const std::string& value_html) {
  return "<div><dt>" + std::string(term) + "</dt><dd>" + value_html + "</dd></div>";
}

std::string run_summary(const sdk::RunRecord& run) {
  std::string html = time_element(run.started_at_ms) + " · " + sdk::readable_duration(run.duration_ms, sdk::DurationStyle::spaced);
  if (run.exit_code) html += " · exit " + std::to_string(*run.exit_code);
  return html;
}

std::string run_item(const sdk::RunRecord& run) {
  std::string html = "<li>" + badge(run.outcome) + " " + run_summary(run) + " · " + html_escape(run.trigger);
  if (!run.detail.empty()) html += "<p class=\"detail\">" + html_escape(run.detail) + "</p>";
  if (run.notification_id != 0) {
    html += "<p class=\"detail\"><a href=\"/history?before=" + std::to_string(run.notification_id + 1) +
            "\">Notification #" + std::to_string(run.notification_id) + "</a></p>";
  }
  if (!run.stderr_tail.empty()) {
    html += "<details class=\"stderr\"><summary>stderr</summary><pre>" + html_escape(run.stderr_tail) +
            "</pre></details>";
  }
  return html + "</li>";
}

std::string check_card(const CheckView& view, std::size_t index) {
  const auto& status = view.status;
  const auto& d = status.definition;
  const std::string id = std::to_string(index);
  std::string html = "<li><article class=\"card check\" aria-labelledby=\"check-" + id + "\">";
  html += "<div class=\"check-summary\"><div class=\"check-head\"><h2 id=\"check-" + id + "\">" + html_escape(d.name) + "</h2>";
  if (status.last_run) html += badge(status.last_run->outcome);
  html += "</div><dl class=\"facts\">";
  html += fact("Schedule", d.schedule.empty() ? std::string("on demand") : "<code>" + html_escape(d.schedule) + "</code>");
  // Another host group's scheduler knows when its checks run next.
  if (!status.elsewhere) {
    html += fact("Next run", status.next_run_ms > 0 ? time_element(status.next_run_ms) : std::string("not scheduled"));
  }
  html += fact("Last run", status.last_run ? run_summary(*status.last_run) : std::string("never"));
  html += fact("Last sent", status.last_sent_ms > 0 ? time_element(status.last_sent_ms) : std::string("never"));
  if (!d.origin.empty()) html += fact("Source", "<code>" + html_escape(d.origin) + "</code>");
  if (!status.host_group.empty()) {
    const std::string down = status.group_running ? "" : " <span class=\"badge bad\">no replica running</span>";
    html += fact("Host group", html_escape(status.host_group) + down);
  }
  html += "</dl>";
  if (status.last_run && !status.last_run->detail.empty()) {
    html += "<p class=\"detail\">" + html_escape(status.last_run->detail) + "</p>";
  }
  html += "</div><div class=\"actions\"><button type=\"button\" data-action=\"run-check\" data-check=\"" + html_escape(d.name) +
          "\" data-result=\"run-result-" + id + "\">Run now</button></div>";
  html += "<div class=\"run-result\" id=\"run-result-" + id + "\" role=\"status\" aria-live=\"polite\"></div>";
  if (!view.runs.empty()) {
    html += "<details class=\"runs\"><summary>Recent runs (" + std::to_string(view.runs.size()) + ")</summary><ol>";
    for (const auto& run : view.runs) html += run_item(run);
    html += "</ol></details>";
  }
  return html + "</article></li>";
}

}  // namespace

std::string_view outcome_tone(std::string_view outcome) noexcept {
  if (outcome == "notified") return "ok";
  if (outcome == "timeout" || outcome == "bad_output" || outcome == "failed" || outcome == "refused") return "bad";
  return "";
}

std::string render_checks_page(const std::vector<CheckView>& checks) {
  std::string html = "<h1>Checks</h1>\n";
  if (checks.empty()) {
    html += "<section class=\"card\"><p>You have no checks yet.</p><p>A check is a script in "
            "<code>~/user/notifications/</code> that prints one JSON object, such as "
            "<code>{\"notify\": true, \"title\": \"Revenue dropped\", \"message\": \"…\"}</code>; "
            "the daemon runs it on its schedule and sends what it reports.</p></section>";
    return html;
  }
  html += "<p class=\"lead\">Your checks, their schedule and their latest runs. <strong>Run now</strong> runs one at "
          "once and shows what it reported.</p>";
  html += "<noscript><p class=\"note\">Run now needs JavaScript.</p></noscript><ul class=\"cards\">";
  for (std::size_t i = 0; i < checks.size() && i < checks_shown; ++i) html += check_card(checks[i], i);
  html += "</ul>";
  return html;
}

}  // namespace notifyd::webui
