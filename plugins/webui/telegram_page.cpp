#include "telegram_page.hpp"

#include "html_text.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/sdk/utc_time.hpp"

namespace notifyd::webui {
namespace {

// "the bot" or "@name_bot" linked to its chat.
std::string bot_name(const TelegramCard& card) {
  if (card.bot_username.empty()) return "the bot";
  return "<a href=\"" + html_escape(card.bot_url) + "\" rel=\"noopener noreferrer\">@" +
         html_escape(card.bot_username) + "</a>";
}

// The linked-at time as people read it elsewhere (`2026-12-07 01:08 UTC`).
std::string linked_since(std::string_view linked_at) {
  const auto ms = sdk::parse_utc_timestamp(linked_at);
  return "<time datetime=\"" + html_escape(linked_at) + "\">" +
         (ms ? sdk::format_utc_readable(*ms) : html_escape(linked_at)) + "</time>";
}

std::string link_state(const TelegramCard& card) {
  std::string html;
  if (card.state == TelegramCard::State::linked) {
    html += "<p class=\"state\"><span class=\"badge ok\">Linked</span>";
    if (!card.linked_at.empty()) {
      html += " since " + linked_since(card.linked_at);
    }
    html += "</p>";
    if (card.active) {
      html += "<p>Your notifications are delivered to Telegram by " + bot_name(card) + ".</p>";
    } else {
      html += "<p class=\"state\"><span class=\"badge bad\">Blocked</span> The bot cannot reach you: you may have "
              "blocked it or deleted the chat. Message <strong>/start</strong> to " + bot_name(card) +
              " to receive notifications again.</p>";
    }
    html += "<button type=\"button\" class=\"secondary\" data-action=\"telegram-unlink\" "
            "aria-describedby=\"telegram-result\">Unlink Telegram</button>";
    return html;
  }
  html += "<p class=\"state\"><span class=\"badge\">Not linked</span></p>"
          "<ol class=\"steps\">"
          "<li>In Telegram, message <strong>/start</strong> to " + bot_name(card) + ".</li>"
          "<li>It answers with a 6-digit code, valid for 10 minutes.</li>"
          "<li>Enter the code here.</li></ol>"
          "<form class=\"inline-form\" data-action=\"telegram-verify\" novalidate>"
          "<label for=\"telegram-code\">Verification code</label>"
          "<div class=\"row\"><input id=\"telegram-code\" name=\"code\" inputmode=\"numeric\" "
          "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" minlength=\"6\" required "
          "aria-describedby=\"telegram-result\">"
          "<button type=\"submit\">Verify</button></div></form>";
  return html;
}

}  // namespace

TelegramCard telegram_card_from_status(unsigned status, const std::string& body) {
  TelegramCard card;
  rapidjson::Document document;
  const bool parsed = sdk::parse_json(body, document) && document.IsObject();
  if (status != 200 || !parsed) {
    card.state = TelegramCard::State::unavailable;
    card.error = parsed ? sdk::json_string(document, "error").value_or("error " + std::to_string(status))
                        : "unexpected answer (HTTP " + std::to_string(status) + ")";
    return card;
  }
  const bool linked = sdk::json_bool(document, "linked").value_or(false);
  card.state = linked ? TelegramCard::State::linked : TelegramCard::State::not_linked;
  card.linked_at = sdk::json_string(document, "linked_at").value_or("");
  card.active = sdk::json_bool(document, "active").value_or(true);
  return card;
}

std::string render_telegram_page(const TelegramCard& card) {
  std::string html = "<h1>Telegram</h1>\n<section class=\"card\" aria-labelledby=\"telegram-heading\">"
                     "<h2 id=\"telegram-heading\">Telegram notifications</h2>";
  switch (card.state) {
    case TelegramCard::State::not_configured:
      html += "<p class=\"state\"><span class=\"badge\">Not configured</span></p>"
              "<p>Telegram is not configured on this server, so notifications cannot go to Telegram. "
              "The operator can add a <code>telegram</code> plugin to the daemon's configuration.</p>";
      break;
    case TelegramCard::State::off:
      html += "<p class=\"state\"><span class=\"badge\">Not set up</span></p>"
              "<p>Telegram is not set up on this server: its bot has no token, so notifications cannot go to "
              "Telegram and there is nothing to link. The operator can give the <code>telegram</code> plugin its "
              "bot token (<code>token_env</code> or <code>token_file</code>).</p>";
      break;
    case TelegramCard::State::unavailable:
      html += "<p class=\"error\" role=\"alert\">The Telegram status is unavailable: " + html_escape(card.error) +
              "</p>";
      break;
    case TelegramCard::State::not_linked:
    case TelegramCard::State::linked:
      html += link_state(card);
      html += "<noscript><p class=\"note\">Linking and unlinking need JavaScript.</p></noscript>";
      break;
  }
  html += "<p class=\"result\" id=\"telegram-result\" role=\"status\" aria-live=\"polite\"></p></section>";
  return html;
}

}  // namespace notifyd::webui
