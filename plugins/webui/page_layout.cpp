#include "page_layout.hpp"

#include "embedded_assets.hpp"
#include "html_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::webui {
namespace {

struct NavItem {
  Section section;
  const char* href;
  const char* label;
};

constexpr NavItem nav_items[] = {
    {Section::telegram, "/", "Telegram"},
    {Section::checks, "/checks", "Checks"},
    {Section::history, "/history", "History"},
    {Section::desktop, "/desktop", "Desktop app"},
    {Section::tokens, "/tokens", "API tokens"},
};

std::string navigation(Section current) {
  std::string html = "<nav class=\"sections\" aria-label=\"Sections\"><ul>";
  for (const auto& item : nav_items) {
    html += "<li><a href=\"";
    html += item.href;
    html += "\"";
    if (item.section == current) html += " aria-current=\"page\"";
    html += ">";
    html += item.label;
    html += "</a></li>";
  }
  return html + "</ul></nav>";
}

std::string account(const PageFrame& frame) {
  std::string html = "<div class=\"account\"><span class=\"who\">";
  if (frame.auth == AuthMode::none) {
    html += "Demo mode: you are <strong>" + html_escape(frame.user) + "</strong>";
    return html + "</span></div>";
  }
  if (frame.auth == AuthMode::peer) {
    html += "You are <strong>" + html_escape(frame.user) + "</strong> (your Unix account on this machine)";
    return html + "</span></div>";
  }
  html += "Signed in as <strong>" + html_escape(frame.user) + "</strong></span>";
  html += "<form method=\"post\" action=\"/logout\" class=\"logout\">"
          "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(frame.csrf_token) + "\">"
          "<button type=\"submit\" class=\"link\">Sign out</button></form>";
  return html + "</div>";
}

}  // namespace

std::string time_element(std::int64_t epoch_ms) {
  return "<time datetime=\"" + sdk::format_utc_timestamp(epoch_ms, sdk::SecondFraction::milliseconds) + "\">" +
         sdk::format_utc_readable(epoch_ms) + "</time>";
}

std::string render_page(const PageFrame& frame, std::string_view main_html) {
  const bool signed_in = !frame.user.empty();
  std::string html;
  html.reserve(main_html.size() + 2048);
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"color-scheme\" content=\"light dark\">\n";
  if (signed_in) html += "<meta name=\"csrf-token\" content=\"" + html_escape(frame.csrf_token) + "\">\n";
  html += "<title>" + html_escape(frame.title) + " · notifyd</title>\n";
  html += "<link rel=\"stylesheet\" href=\"" + asset_url("app.css") + "\">\n";
  html += "<link rel=\"icon\" href=\"" + asset_url("favicon.svg") + "\" type=\"image/svg+xml\">\n";
  html += "<script src=\"" + asset_url("app.js") + "\" defer></script>\n</head>\n<body>\n";
  html += "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"top\"><div class=\"bar\">"
          "<a class=\"brand\" href=\"/\"><span aria-hidden=\"true\" class=\"logo\"></span>notifyd</a>";
  if (signed_in) html += account(frame);
  html += "</div>";
  if (signed_in) html += navigation(frame.section);
  html += "</header>\n<main id=\"main\" tabindex=\"-1\">\n";
  html += main_html;
  html += "\n</main>\n<footer class=\"foot\">notifyd " + html_escape(frame.version) + "</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace notifyd::webui
