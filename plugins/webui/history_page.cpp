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

std::string_view priority_tone(sdk::Priority priority) {
  if (priority == sdk::Priority::urgent) return " bad";
  if (priority <= sdk::Priority::low) return " quiet";
  return "";
}

// The priority (when not the default) and the tags, as badges.
std::string labels(const sdk::Notification& n) {
  std::string html;
  if (n.priority != sdk::default_priority) {
    html += " · <span class=\"badge" + std::string(priority_tone(n.priority)) + "\">priority " +
            std::string(sdk::priority_name(n.priority)) + "</span>";
  }
  for (const auto& tag : n.tags) {
    html += " <a class=\"badge tag\" href=\"/history?tag=" + url_encode(tag) + "\">" + html_escape(tag) + "</a>";
  }
  return html;
}

// The query string that keeps the filters, starting with `separator` when there are any.
std::string filter_query(const HistoryView& view, char separator) {
  std::string query;
  if (view.min_priority) {
    query += separator + std::string("min_priority=") + std::string(sdk::priority_name(*view.min_priority));
    separator = '&';
  }
  if (!view.tag.empty()) query += separator + std::string("tag=") + url_encode(view.tag);
  return query;
}

std::string filter_form(const HistoryView& view) {
  std::string html =
      "<form class=\"filters\" method=\"get\" action=\"/history\" role=\"search\">"
      "<div><label for=\"min-priority\">Priority</label><select id=\"min-priority\" name=\"min_priority\">";
  html += std::string("<option value=\"\"") + (view.min_priority ? "" : " selected") + ">any</option>";
  for (const auto level : {sdk::Priority::low, sdk::Priority::normal, sdk::Priority::high, sdk::Priority::urgent}) {
    const std::string name(sdk::priority_name(level));
    html += "<option value=\"" + name + "\"" + (view.min_priority == level ? " selected" : "") + ">" + name +
            (level == sdk::Priority::urgent ? "" : " or higher") + "</option>";
  }
  html += "</select></div><div><label for=\"tag\">Tag</label><input id=\"tag\" name=\"tag\" value=\"" +
          html_escape(view.tag) + "\" maxlength=\"64\" autocomplete=\"off\"></div>";
  html += "<div class=\"filter-actions\"><button type=\"submit\">Filter</button>";
  if (view.min_priority || !view.tag.empty()) html += "<a href=\"/history\">Show all</a>";
  return html + "</div></form>";
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
  html += " · #" + id + labels(n) + "</p>";
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
  std::string html = "<h1>History</h1>\n" + filter_form(view);
  const bool filtered = view.min_priority || !view.tag.empty();
  if (view.entries.empty()) {
    html += view.before_id != 0 ? "<section class=\"card\"><p>No older notifications.</p></section>"
            : filtered          ? "<section class=\"card\"><p>No notifications match these filters.</p></section>"
                                : std::string(first_notification_hint);
  } else {
    html += "<ol class=\"cards history\">";
    for (const auto& entry : view.entries) html += entry_card(entry);
    html += "</ol>";
  }
  if (view.before_id != 0 || view.next_before != 0) {
    html += "<nav class=\"pager\" aria-label=\"More notifications\">";
    if (view.before_id != 0) html += "<a href=\"/history" + html_escape(filter_query(view, '?')) + "\">Newest</a>";
    if (view.next_before != 0) {
      html += "<a href=\"/history?before=" + std::to_string(view.next_before) + html_escape(filter_query(view, '&')) +
              "\" rel=\"next\">Older</a>";
    }
    html += "</nav>";
  }
  return html;
}

}  // namespace notifyd::webui
