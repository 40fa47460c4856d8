#include "sign_in_pages.hpp"

#include "html_text.hpp"

namespace notifyd::webui {

std::string render_login_page(AuthMode auth, bool signed_out, std::chrono::milliseconds link_ttl,
                              std::string_view return_to) {
  std::string html = "<h1>Sign in</h1>\n<section class=\"card narrow\">";
  if (signed_out) html += "<p class=\"notice\" role=\"status\">You are signed out.</p>";
  if (auth == AuthMode::proxy) {
    html += "<p>This dashboard is signed in through the organisation's single sign-on. Your sign-in proxy did not "
            "say who you are.</p><p><a href=\"/\">Try again</a>. If this keeps happening, ask the operator.</p>";
  } else if (auth == AuthMode::peer) {
    html += "<p>This dashboard knows you by the Unix account that opens the connection, with no password. It could "
            "not tell who opened this one.</p><p>Open it on the server itself, or from your computer through an SSH "
            "tunnel:</p><pre class=\"command\"><code>ssh -L 8080:127.0.0.1:8080 you@server</code></pre><p>then "
            "<a href=\"http://localhost:8080/\">http://localhost:8080/</a>.</p>";
  } else {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(link_ttl).count();
    const std::string validity = minutes >= 1 ? std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes")
                                              : std::to_string(link_ttl.count() / 1000) + " seconds";
    html += "<p>Run this in a terminal on the server, as yourself:</p><pre class=\"command\"><code>notifyctl login"
            "</code></pre><p>It prints a sign-in link, valid for " + validity +
            " and usable once. Open it in this browser.</p>";
    if (!return_to.empty()) {
      html += "<p class=\"muted\">After signing in you go on to <code>" + html_escape(return_to) + "</code>.</p>";
    }
  }
  return html + "</section>";
}

std::string render_link_confirmation(std::string_view user, std::string_view token, std::string_view return_to) {
  std::string next;
  if (!return_to.empty()) next = "<input type=\"hidden\" name=\"next\" value=\"" + html_escape(return_to) + "\">";
  return "<h1>Sign in</h1>\n<section class=\"card narrow\"><p>This link signs you in as <strong>" + html_escape(user) +
         "</strong>.</p><form method=\"post\" action=\"/login/link\"><input type=\"hidden\" name=\"token\" value=\"" +
         html_escape(token) + "\">" + next + "<button type=\"submit\">Continue as " + html_escape(user) +
         "</button></form><p class=\"muted\">Not you? Close this page; the link expires by itself.</p></section>";
}

std::string render_link_invalid() {
  return "<h1>Sign in</h1>\n<section class=\"card narrow\"><p class=\"error\" role=\"alert\">This sign-in link is "
         "invalid, has expired or was already used.</p><p>Run <code>notifyctl login</code> again for a new one.</p>"
         "</section>";
}

std::string render_error_page(unsigned status, std::string_view message) {
  return "<h1>" + std::to_string(status) + " " + html_escape(message) +
         "</h1>\n<section class=\"card narrow\"><p><a href=\"/\">Back to the dashboard</a></p></section>";
}

}  // namespace notifyd::webui
