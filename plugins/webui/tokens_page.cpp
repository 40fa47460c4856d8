#include "tokens_page.hpp"

#include "html_text.hpp"
#include "page_layout.hpp"

namespace notifyd::webui {
namespace {

std::string csrf_field(const std::string& csrf_token) {
  return "<input type=\"hidden\" name=\"csrf_token\" value=\"" + html_escape(csrf_token) + "\">";
}

std::string token_row(const sdk::api::ApiTokenInfo& token, const std::string& csrf_token) {
  std::string html = "<tr><td><code>" + html_escape(token.id) + "</code></td><td>" +
                     (token.name.empty() ? std::string("<span class=\"muted\">none</span>") : html_escape(token.name)) +
                     "</td><td>" + time_element(token.created_at) + "</td><td>";
  if (token.expires_at == 0) {
    html += "never";
  } else {
    html += time_element(token.expires_at);
    if (token.expired) html += " <span class=\"badge bad\">expired</span>";
  }
  html += "</td><td><form method=\"post\" action=\"/tokens/revoke\">" + csrf_field(csrf_token) +
          "<input type=\"hidden\" name=\"id\" value=\"" + html_escape(token.id) +
          "\"><button type=\"submit\" class=\"secondary\">Revoke</button></form></td></tr>";
  return html;
}

}  // namespace

std::string render_tokens_page(const TokensView& view) {
  std::string html = "<h1>API tokens</h1>\n";
  if (view.issued) {
    html += "<section class=\"card\" aria-labelledby=\"issued-heading\"><h2 id=\"issued-heading\">New token</h2>"
            "<p>Copy it now: it is shown only this once.</p>"
            "<div class=\"token\"><label for=\"issued-token\">Token</label>"
            "<textarea id=\"issued-token\" readonly rows=\"2\" spellcheck=\"false\">" +
            html_escape(view.issued->token) +
            "</textarea></div><p>Send yourself a notification with it:</p><pre><code>curl -H \"Authorization: Bearer " +
            html_escape(view.issued->token) + "\" -d \"backup failed\" " + html_escape(view.notify_url) +
            "</code></pre></section>\n";
  }
  html += "<section class=\"card\" aria-labelledby=\"create-heading\"><h2 id=\"create-heading\">Create a token</h2>"
          "<p>A token lets a program on another machine send notifications to you, and only to you, with "
          "<code>POST " + html_escape(view.notify_url) + "</code>.</p>";
  if (!view.problem.empty()) html += "<p class=\"error\" role=\"alert\">" + html_escape(view.problem) + "</p>";
  html += "<form method=\"post\" action=\"/tokens\">" + csrf_field(view.csrf_token) +
          "<p><label for=\"token-name\">Name</label> <input id=\"token-name\" name=\"name\" maxlength=\"" +
          std::to_string(ApiTokens::max_name_bytes) +
          "\" placeholder=\"ci-runner\"></p>"
          "<p><label for=\"token-expires\">Expires</label> <input id=\"token-expires\" name=\"expires\" "
          "placeholder=\"never, 30d, 2027-01-31\"></p>"
          "<div class=\"actions\"><button type=\"submit\">Create token</button></div></form></section>\n";
  html += "<section class=\"card\" aria-labelledby=\"list-heading\"><h2 id=\"list-heading\">Your tokens</h2>";
  if (view.tokens.empty()) {
    html += "<p class=\"muted\">You have no API tokens.</p>";
  } else {
    html += "<div class=\"table-scroll\"><table class=\"tokens\"><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Name</th><th scope=\"col\">Created</th>"
            "<th scope=\"col\">Expires</th><th scope=\"col\">Revoke</th></tr></thead><tbody>";
    for (const auto& token : view.tokens) html += token_row(token, view.csrf_token);
    html += "</tbody></table></div>";
  }
  html += "</section>";
  return html;
}

}  // namespace notifyd::webui
