#include "account_text.hpp"

#include "terminal_text.hpp"

namespace notifyctl {

std::string link_state_text(const TelegramLink& state, std::optional<bool> bot_enabled, const std::string& user) {
  const std::string who = user.empty() ? std::string("you") : printable_line(user);
  if (!state.linked && bot_enabled == false) {
    return who + (user.empty() ? " are" : " is") +
           " not linked to Telegram, and Telegram is off on this server (the bot has no token): "
           "an admin sets it up first (notifyctl doctor says how)\n";
  }
  if (!state.linked) {
    return who + (user.empty() ? " are" : " is") +
           " not linked to Telegram: send /start to the bot, then run notifyctl link CODE\n";
  }
  std::string text = who + (user.empty() ? " are" : " is") + " linked to Telegram";
  if (!state.linked_at.empty()) text += " since " + printable_line(state.linked_at);
  if (state.active == false) {
    text += " (the bot is blocked in the chat: nothing is delivered)";
  } else if (!state.muted_until.empty()) {
    text += " (muted until " + printable_line(state.muted_until) + ")";
  } else {
    text += " (notifications on)";
  }
  return text + '\n';
}

std::string login_link_text(const LoginLink& link) {
  std::string text = "Open this link in your browser to sign in";
  if (!link.user.empty()) text += " as " + printable_line(link.user);
  text += ":\n\n  " + printable_line(link.url) + "\n\n";
  text += "It works once";
  if (!link.expires_at.empty()) text += " and expires at " + printable_line(link.expires_at);
  return text + ". Do not share it.\n";
}

std::string login_refusal_hint(unsigned status) {
  if (status == 404) return "this daemon has no web dashboard that signs in with links (webui with auth = \"link\")";
  return {};
}

std::string desktop_token_text(const DesktopToken& token) {
  std::string text = "Token:    " + printable_line(token.token) + "\n";
  if (!token.user.empty()) text += "User:     " + printable_line(token.user) + "\n";
  if (!token.expires_at.empty()) text += "Expires:  " + printable_line(token.expires_at) + "\n";
  if (!token.url.empty()) text += "Server:   " + printable_line(token.url) + "\n";
  return text;
}

}  // namespace notifyctl
