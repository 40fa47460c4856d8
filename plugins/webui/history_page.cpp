#include "history_page.hpp"

#include "html_text.hpp"
#include "message_html.hpp"
#include "page_layout.hpp"

namespace notifyd::webui {
namespace {

constexpr std::string_view first_notification_hint =
    "<section class=\"card\"><p>No notifications yet.</p>"
    "<p>Notifications appear here once they are sent to you: when one of your checks reports (see "
    "<a href=\"/checks\">Checks</a>, where <strong>Run now</strong> runs one at once), or when a program sends one, "
    "e.g. <code>notifyctl send \"Hello\"</code> in a terminal on this server.</p></section>";

// Sources this short fit on any line.
constexpr std::size_t short_source = 24;

// `text` escaped; a longer one gets a line-break opportunity after every `/`,
// so a path wraps at its separators rather than inside a name.
std::string breakable_path(std::string_view text) {
  if (text.size() <= short_source) return html_escape(text);
  std::string html;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t slash = text.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? text.size() : slash + 1;
    html += html_escape(text.substr(start, end - start));
    if (slash != std::string_view::npos && end < text.size()) html += "<wbr>";
    start = end;
  }
  return html;
}

std::string_view delivery_tone(std::string_view state) {
  if (state == "delivered") return "ok";
  if (state == "failed" || state == "expired") return "bad";
  return "";
}

std::string delivery_item(const sdk::DeliveryRecord& delivery) {
  const std::string_view tone = delivery_tone(delivery.state);
  std::string html = "<li><span class=\"badge" + std::string(tone.empty() ? "" : " ") + std::string(tone) + "\">" +
                     html_escape(delivery.channel) + ": " + html_escape(delivery.state) + "</span>";
  if (delivery.attempts > 1) html += " <span class=\"muted\">" + std::to_string(delivery.attempts) + " attempts</span>";
  if (!delivery.last_error.empty() && delivery.state != "delivered") {
    html += " <span class=\"muted\">" + html_escape(delivery.last_error) + "</span>";
  }
  return html + "</li>";
}

std::string entry_card(const sdk::HistoryEntry& entry) {
  const auto& n = entry.notification;
  const std::string id = std::to_string(n.id);
  const std::string title = n.title.empty() ? std::string("Notification #") + id : n.title;
  std::string html = "<li><article class=\"card notification\" id=\"n-" + id + "\" aria-labelledby=\"n-" + id +
                     "-title\">";
  html += "<h2 id=\"n-" + id + "-title\">" + html_escape(title) + "</h2>";
  html += "<p class=\"meta\">" + time_element(n.created_at_ms);
  if (!n.source.empty()) html += " · from <code class=\"path\">" + breakable_path(n.source) + "</code>";
  html += " · #" + id + "</p>";
  if (!n.message.empty()) html += "<div class=\"message\">" + render_message_html(n.message, n.format) + "</div>";
  if (!n.image_path.empty()) {
    html += "<figure><a href=\"" + image_url(n.id) + "\"><img src=\"" + image_url(n.id) + "\" alt=\"Image sent with " +
            html_escape(title) + "\" loading=\"lazy\"></a></figure>";
  }
  html += "<ul class=\"deliveries\" aria-label=\"Delivery\">";
  if (entry.deliveries.empty()) html += "<li><span class=\"badge\">not routed to any channel</span></li>";
  for (const auto& delivery : entry.deliveries) html += delivery_item(delivery);
  html += "</ul></article></li>";
  return html;
}

}  // namespace

std::string image_url(std::uint64_t id) { return "/api/notifications/images/" + std::to_string(id); }

std::string render_history_page(const HistoryView& view) {
  std::string html = "<h1>History</h1>\n";
  if (view.entries.empty()) {
    html += view.before_id == 0 ? std::string(first_notification_hint)
                                : "<section class=\"card\"><p>No older notifications.</p></section>";
  } else {
    html += "<ol class=\"cards history\">";
    for (const auto& entry : view.entries) html += entry_card(entry);
    html += "</ol>";
  }
  if (view.before_id != 0 || view.next_before != 0) {
    html += "<nav class=\"pager\" aria-label=\"More notifications\">";
    if (view.before_id != 0) html += "<a href=\"/history\">Newest</a>";
    if (view.next_before != 0) {
      html += "<a href=\"/history?before=" + std::to_string(view.next_before) + "\" rel=\"next\">Older</a>";
    }
    html += "</nav>";
  }
  return html;
}

}  // namespace notifyd::webui
