#include "desktop_page.hpp"

namespace notifyd::webui {

std::string render_desktop_page(bool available, bool set_up) {
  std::string html = "<h1>Desktop app</h1>\n<section class=\"card\" aria-labelledby=\"desktop-heading\">"
                     "<h2 id=\"desktop-heading\">Notifications on your desktop</h2>";
  if (!available) {
    html += "<p class=\"state\"><span class=\"badge\">Not configured</span></p>"
            "<p>The desktop app is not available: this server has no <code>websocket</code> plugin configured. "
            "The operator can add one to the daemon's configuration.</p></section>";
    return html;
  }
  if (!set_up) {
    html += "<p class=\"state\"><span class=\"badge\">Not set up</span></p>"
            "<p>The desktop app is not available: desktop push is not set up on this server (it has no secret to "
            "sign the app's tokens with). The operator can give the <code>websocket</code> plugin one "
            "(<code>jwt_secret_env</code> or <code>jwt_secret_file</code>).</p></section>";
    return html;
  }
  html += "<p>The desktop app shows your notifications the moment they are sent, with their images. It signs in "
          "with a token from this page.</p>"
          "<p>The app is not part of notifyd: it is the desktop client of the notification gateway notifyd "
          "replaces, which keeps working unchanged. Ask the operator of this server for it.</p>"
          "<ol class=\"steps\"><li>Select <strong>Create token</strong>.</li>"
          "<li>In the desktop app, enter the server address and paste the token.</li>"
          "<li>When the token expires, the app asks for a new one: come back here.</li></ol>"
          "<div class=\"actions\"><button type=\"button\" data-action=\"desktop-token\">Create token</button></div>"
          "<div id=\"desktop-token\" class=\"token\" hidden>"
          "<label for=\"desktop-token-value\">Token</label>"
          "<textarea id=\"desktop-token-value\" readonly rows=\"4\" spellcheck=\"false\"></textarea>"
          "<div class=\"actions\"><button type=\"button\" class=\"secondary\" data-action=\"copy-token\">Copy token"
          "</button></div>"
          "<dl class=\"facts\"><div><dt>Server address</dt><dd><code id=\"desktop-token-url\"></code></dd></div>"
          "<div><dt>Expires</dt><dd id=\"desktop-token-expires\"></dd></div></dl></div>"
          "<noscript><p class=\"note\">Creating a token needs JavaScript.</p></noscript>"
          "<p class=\"result\" id=\"desktop-result\" role=\"status\" aria-live=\"polite\"></p></section>";
  return html;
}

}  // namespace notifyd::webui
