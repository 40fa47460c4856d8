#include "history_page.hpp"

#include "html_text.hpp"
#include "page_layout.hpp"

namespace notifyd::webui {
namespace {

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
  if (!n.source.empty()) html += " · from <code>" + html_escape(n.source) + "</code>";
  html += " · #" + id + "</p>";
  if (!n.message.empty()) html += "<div class=\"message\">" + html_escape(n.message) + "</div>";
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
    html += view.before_id == 0 ? "<section class=\"card\"><p>No notifications yet.</p></section>"
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
