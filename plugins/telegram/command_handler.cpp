#include "command_handler.hpp"

#include "bot_command.hpp"
#include "notifyd/sdk/duration.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "status_text.hpp"

namespace notifyd::telegram {
namespace {

constexpr std::size_t max_check_name = 128;
const std::string link_hint = "Use /start to link your account.";

std::string joined_users(const std::vector<std::string>& users) {
  std::string out;
  for (const auto& user : users) out += (out.empty() ? "" : ", ") + user;
  return out;
}

}  // namespace

CommandHandler::CommandHandler(LinkRegistry& links, VerificationCodes& codes, BotState& state,
                               sdk::CheckService& checks, Settings settings)
    : links_(links), codes_(codes), state_(state), checks_(checks), settings_(settings) {}

std::string CommandHandler::help_text() {
  return "This bot delivers your notifyd notifications.\n\n"
         "/start – get a code to link this chat to your account\n"
         "/whoami – which account this chat is linked to\n"
         "/status – your checks, with buttons to run them\n"
         "/run <name> – run one of your checks now\n"
         "/mute <duration> – hold notifications (not urgent ones) for a while, e.g. /mute 2h\n"
         "/unmute – deliver held notifications now\n"
         "/help – this list";
}

BotActions CommandHandler::handle(const Update& update, std::int64_t now_ms, const sdk::Fence& fence) {
  BotActions actions;
  if (const auto* message = std::get_if<ChatMessage>(&update.content)) {
    on_message(*message, now_ms, fence, actions);
  } else if (const auto* press = std::get_if<ButtonPress>(&update.content)) {
    on_press(*press, actions);
  } else if (const auto* change = std::get_if<MembershipChange>(&update.content)) {
    on_membership(*change, fence, actions);
  }
  return actions;
}

void CommandHandler::on_message(const ChatMessage& message, std::int64_t now_ms, const sdk::Fence& fence,
                                BotActions& actions) {
  const std::int64_t chat = message.chat_id;
  const bool private_chat = message.chat_type == "private" || message.chat_type.empty();
  const auto users = links_.users_of(chat);
  const auto command = parse_command(message.text);
  if (!command) {
    // In groups the bot only answers what is addressed to it.
    if (!private_chat) return;
    actions.replies.push_back({chat, users.empty() ? link_hint : "I only understand commands; /help lists them.", ""});
    return;
  }
  if (!addressed_to_bot(command->addressed_to, username_)) return;
  const std::string& name = command->name;
  if (name == "start") return start(chat, now_ms, fence, actions);
  if (name == "help") return actions.replies.push_back({chat, help_text(), ""});
  if (name == "whoami") return whoami(chat, users, now_ms, actions);
  if (users.empty()) return actions.replies.push_back({chat, link_hint, ""});
  if (name == "status") return status(chat, users, now_ms, actions);
  if (name == "mute") return mute(chat, users, command->argument, now_ms, actions);
  if (name == "unmute") return unmute(chat, users, now_ms, actions);
  if (name == "run") {
    if (command->argument.empty() || command->argument.size() > max_check_name) {
      return actions.replies.push_back({chat, "Usage: /run <name>. /status lists your checks.", ""});
    }
    actions.replies.push_back({chat, "Running " + command->argument + "…", ""});
    actions.runs.push_back({chat, owner_of_check(users, command->argument), command->argument});
    return;
  }
  actions.replies.push_back({chat, "Unknown command /" + name + ". /help lists what I understand.", ""});
}

void CommandHandler::start(std::int64_t chat, std::int64_t now_ms, const sdk::Fence& fence, BotActions& actions) {
  if (const auto users = links_.users_of(chat); !users.empty()) {
    actions.replies.push_back({chat, "This chat is already linked as " + joined_users(users) + ".", ""});
    return;
  }
  auto code = codes_.issue(chat, now_ms / 1000, fence);
  if (!code) {
    actions.warnings.push_back("cannot issue a verification code: " + code.error());
    actions.replies.push_back({chat, "Sorry, no code could be made right now. Try /start again in a minute.", ""});
    return;
  }
  const auto minutes = std::max<std::int64_t>(1, settings_.code_ttl.count() / 60000);
  // Monospace, so a tap copies the code; the reply is useless once the code expired.
  actions.replies.push_back(
      {chat,
       "Your verification code: <code>" + code.value() + "</code>\n\nIt works once, for " + std::to_string(minutes) +
           " minutes. Enter it in the dashboard's Telegram card, or on the server run:\n<code>notifyctl link " +
           code.value() + "</code>",
       "", sdk::TextFormat::html, settings_.code_ttl});
}

void CommandHandler::whoami(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms,
                            BotActions& actions) {
  if (users.empty()) {
    actions.replies.push_back({chat, "This chat is not linked to an account. " + link_hint, ""});
    return;
  }
  std::string text = "This chat is linked to " + joined_users(users) + ".";
  for (const auto& user : users) {
    const auto link = links_.find(user);
    if (link && !link->linked_at.empty()) {
      const auto at = sdk::parse_utc_timestamp(link->linked_at);
      text += "\n" + user + " linked it at " + (at ? sdk::format_utc_readable(*at) : link->linked_at) + ".";
    }
    if (const auto until = state_.mute_end(user, now_ms))
      text += "\n" + user + " is muted until " + sdk::format_utc_readable(until) + ".";
  }
  actions.replies.push_back({chat, text, ""});
}

void CommandHandler::status(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms,
                            BotActions& actions) {
  for (const auto& user : users) {
    const auto link = links_.find(user);
    const DeliveryStanding standing{user, link ? link->active : false, state_.mute_end(user, now_ms)};
    auto reply = status_reply(standing, checks_.checks(user), now_ms);
    actions.replies.push_back({chat, std::move(reply.text), std::move(reply.keyboard)});
  }
}

void CommandHandler::mute(std::int64_t chat, const std::vector<std::string>& users, const std::string& argument,
                          std::int64_t now_ms, BotActions& actions) {
  const auto usage = "Usage: /mute <duration>, e.g. /mute 30m, /mute 2h or /mute 1d. /unmute ends it.";
  if (argument.empty() || argument.size() > 32) return actions.replies.push_back({chat, usage, ""});
  const auto duration = sdk::parse_duration(argument);
  if (!duration || duration.value().count() < 60000) return actions.replies.push_back({chat, usage, ""});
  if (duration.value() > settings_.max_mute) {
    actions.replies.push_back(
        {chat, "At most " + sdk::format_duration(settings_.max_mute) + ": held notifications expire after that.", ""});
    return;
  }
  const std::int64_t until = now_ms + duration.value().count();
  for (const auto& user : users) state_.muted_until[user] = until;
  actions.state_changed = true;
  actions.replies.push_back({chat,
                             "Muted until " + sdk::format_utc_readable(until) +
                                 ". Notifications are kept and arrive when the mute ends, or at /unmute; "
                                 "urgent ones still arrive at once.",
                             ""});
}

void CommandHandler::unmute(std::int64_t chat, const std::vector<std::string>& users, std::int64_t now_ms,
                            BotActions& actions) {
  bool was_muted = false;
  for (const auto& user : users) was_muted |= state_.muted_until.erase(user) > 0;
  actions.state_changed = was_muted;
  actions.replies.push_back(
      {chat,
       was_muted ? "Unmuted. Held notifications arrive within " + sdk::format_duration(settings_.mute_recheck) + "."
                 : "Notifications were not muted.",
       ""});
}

void CommandHandler::on_press(const ButtonPress& press, BotActions& actions) {
  const auto users = links_.users_of(press.chat_id);
  if (users.empty()) {
    actions.answers.push_back({press.id, "This chat is not linked. Use /start."});
    return;
  }
  if (!press.data.starts_with(run_prefix) || press.data.size() == run_prefix.size()) {
    actions.answers.push_back({press.id, "This button is no longer understood."});
    return;
  }
  const std::string check = press.data.substr(run_prefix.size());
  actions.answers.push_back({press.id, "Running " + check + "…"});
  actions.runs.push_back({press.chat_id, owner_of_check(users, check), check});
}

void CommandHandler::on_membership(const MembershipChange& change, const sdk::Fence& fence, BotActions& actions) {
  const bool active = !is_removal(change.status);
  auto changed = links_.set_active(change.chat_id, active, fence);
  if (!changed) {
    actions.warnings.push_back("cannot save the link state of chat " + std::to_string(change.chat_id) + ": " +
                                changed.error());
    return;
  }
  for (const auto& user : changed.value()) {
    actions.notes.push_back(user + "'s chat " + (active ? "accepts messages again" : "blocked or removed the bot") +
                                "; the link is now " + (active ? "active" : "inactive"));
  }
}

std::string CommandHandler::owner_of_check(const std::vector<std::string>& users, const std::string& check) const {
  if (users.size() > 1) {
    for (const auto& user : users) {
      for (const auto& status : checks_.checks(user)) {
        if (status.definition.name == check) return user;
      }
    }
  }
  return users.front();
}

}  // namespace notifyd::telegram
