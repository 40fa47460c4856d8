#include <catch2/catch.hpp>

#include "command_handler.hpp"
#include "test_support.hpp"

using namespace notifyd::telegram;
using namespace notifyd::telegram::testing;

namespace {

constexpr std::int64_t now = 1'800'000'000'000;

struct Bot {
  MemoryDocuments documents;
  LinkRegistry links{documents, "telegram_users.json"};
  VerificationCodes codes{documents, "pending_codes.json", std::chrono::seconds(600),
                          [] { return std::optional<std::string>("424242"); }};
  BotState state;
  FakeChecks checks;
  CommandHandler handler{links, codes, state, checks, {}};
  notifyd::sdk::Fence fence;  ///< the leader's; none: links and codes are saved unfenced
  std::int64_t next_id = 1;

  BotActions say(std::int64_t chat, std::string text, std::string type = "private") {
    return handler.handle({next_id++, ChatMessage{chat, std::move(type), chat, std::move(text)}}, now, fence);
  }
  BotActions press(std::int64_t chat, std::string data) {
    return handler.handle({next_id++, ButtonPress{"cb" + std::to_string(next_id), chat, 3, chat, std::move(data)}},
                          now, fence);
  }
  std::string reply_to(std::int64_t chat, std::string text) {
    auto actions = say(chat, std::move(text));
    REQUIRE(actions.replies.size() == 1);
    CHECK(actions.replies[0].chat_id == chat);
    return actions.replies[0].text;
  }
};

}  // namespace

TEST_CASE("/start gives a code in an unlinked chat, saved in the seed's file", "[command_handler]") {
  Bot bot;
  const auto text = bot.reply_to(77, "/start");
  CHECK(text.find("Your verification code: <code>424242</code>") == 0);
  CHECK(text.find("10 minutes") != std::string::npos);
  CHECK(text.find("<code>notifyctl link 424242</code>") != std::string::npos);
  CHECK(bot.documents.files.at("pending_codes.json").find("\"chat_id\": 77") != std::string::npos);
}

TEST_CASE("/start in a linked chat says who it is linked to", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 77, "2026-01-01T00:00:00Z");
  CHECK(bot.reply_to(77, "/start") == "This chat is already linked as alice.");
}

TEST_CASE("unknown text: link hint when unlinked, /help pointer when linked", "[command_handler]") {
  Bot bot;
  CHECK(bot.reply_to(5, "hello") == "Use /start to link your account.");
  CHECK(bot.reply_to(5, "/status") == "Use /start to link your account.");
  bot.links.link("alice", 5, "t");
  CHECK(bot.reply_to(5, "hello").find("/help") != std::string::npos);
  CHECK(bot.reply_to(5, "/frobnicate").find("/help") != std::string::npos);
  // In groups the bot stays quiet about chatter, and ignores other bots' commands.
  CHECK(bot.say(-5, "hello", "group").replies.empty());
  CHECK(bot.say(5, "/start@other_bot").replies.size() == 1);
  bot.handler.set_username("notify_bot");
  CHECK(bot.say(5, "/start@other_bot").replies.empty());
  CHECK(bot.say(5, "/start@notify_bot").replies.size() == 1);
}

TEST_CASE("/help and /whoami", "[command_handler]") {
  Bot bot;
  CHECK(bot.reply_to(1, "/help") == CommandHandler::help_text());
  CHECK(bot.reply_to(1, "/whoami").find("not linked") != std::string::npos);
  bot.links.link("alice", 1, "2026-01-01T00:00:00Z");
  const auto text = bot.reply_to(1, "/whoami");
  CHECK(text.find("linked to alice") != std::string::npos);
  CHECK(text.find("linked it at 2026-01-01 00:00 UTC.") != std::string::npos);
}

TEST_CASE("/status shows the user's checks with Run buttons", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 1, "t");
  bot.checks.by_user["alice"] = {check_status("alice", "disk", now - 60000, "quiet")};
  const auto actions = bot.say(1, "/status");
  REQUIRE(actions.replies.size() == 1);
  CHECK(actions.replies[0].text.find("• disk") != std::string::npos);
  CHECK(actions.replies[0].keyboard.find("run:disk") != std::string::npos);
}

TEST_CASE("a Run button and /run ask for a run as the chat's user", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 1, "t");
  auto pressed = bot.press(1, "run:disk");
  REQUIRE(pressed.answers.size() == 1);
  CHECK(pressed.answers[0].text == "Running disk…");
  REQUIRE(pressed.runs.size() == 1);
  CHECK(pressed.runs[0].user == "alice");
  CHECK(pressed.runs[0].check == "disk");
  CHECK(pressed.runs[0].chat_id == 1);

  auto typed = bot.say(1, "/run revenue_drop");
  REQUIRE(typed.runs.size() == 1);
  CHECK(typed.runs[0].check == "revenue_drop");
  CHECK(bot.reply_to(1, "/run").find("Usage") == 0);

  auto stranger = bot.press(2, "run:disk");
  CHECK(stranger.runs.empty());
  CHECK(stranger.answers[0].text.find("not linked") != std::string::npos);
  CHECK(bot.press(1, "delete:everything").runs.empty());
}

TEST_CASE("/mute and /unmute hold and release the chat's users", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 1, "t");
  auto muted = bot.say(1, "/mute 2h");
  CHECK(muted.state_changed);
  CHECK(bot.state.mute_end("alice", now) == now + 2 * 3600 * 1000);
  CHECK(muted.replies[0].text.find("Muted until") == 0);
  CHECK(bot.reply_to(1, "/mute").find("Usage") == 0);
  CHECK(bot.reply_to(1, "/mute soon").find("Usage") == 0);
  CHECK(bot.reply_to(1, "/mute 30s").find("Usage") == 0);
  CHECK(bot.reply_to(1, "/mute 3d").find("At most 1d") == 0);
  auto unmuted = bot.say(1, "/unmute");
  CHECK(unmuted.state_changed);
  CHECK(unmuted.replies[0].text == "Unmuted. Held notifications arrive within 30s.");
  CHECK(bot.state.muted_until.empty());
  CHECK(bot.reply_to(1, "/unmute") == "Notifications were not muted.");
}

TEST_CASE("blocking the bot makes the link inactive; unblocking restores it", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 1, "t");
  auto blocked = bot.handler.handle({1, MembershipChange{1, "kicked"}}, now, bot.fence);
  CHECK_FALSE(bot.links.reaches("alice"));
  REQUIRE(blocked.notes.size() == 1);
  CHECK(blocked.notes[0].find("inactive") != std::string::npos);
  bot.handler.handle({2, MembershipChange{1, "member"}}, now, bot.fence);
  CHECK(bot.links.reaches("alice"));
}

TEST_CASE("a replica whose lease passed on saves no code and no link change", "[command_handler]") {
  Bot bot;
  bot.links.link("alice", 1, "t");  // the link routes (any replica) save unfenced
  bot.documents.fence_is_current = [](const notifyd::sdk::Fence& fence) { return fence.epoch == 2; };
  bot.fence = {"channel/telegram", "replica-a", 1};  // another replica holds epoch 2

  auto start = bot.say(77, "/start");
  REQUIRE(start.replies.size() == 1);
  CHECK(start.replies[0].text.find("no code could be made") != std::string::npos);
  REQUIRE(start.warnings.size() == 1);
  CHECK(start.warnings[0].find("has passed to another replica or expired") != std::string::npos);
  CHECK_FALSE(bot.documents.files.contains("pending_codes.json"));

  auto blocked = bot.handler.handle({bot.next_id++, MembershipChange{1, "kicked"}}, now, bot.fence);
  REQUIRE(blocked.warnings.size() == 1);
  CHECK(blocked.warnings[0].find("cannot save the link state of chat 1") != std::string::npos);
  CHECK(bot.links.reaches("alice"));
  CHECK(bot.documents.files.at("telegram_users.json").find("active") == std::string::npos);

  bot.fence.epoch = 2;  // the current holding writes both
  CHECK(bot.reply_to(77, "/start").find("<code>424242</code>") != std::string::npos);
  CHECK(bot.documents.files.at("pending_codes.json").find("\"chat_id\": 77") != std::string::npos);
  bot.handler.handle({bot.next_id++, MembershipChange{1, "kicked"}}, now, bot.fence);
  CHECK_FALSE(bot.links.reaches("alice"));
  CHECK(bot.documents.files.at("telegram_users.json").find("\"active\": false") != std::string::npos);
}

TEST_CASE("a code that cannot be saved is not shown", "[command_handler]") {
  Bot bot;
  bot.documents.fail_writes = true;
  auto actions = bot.say(1, "/start");
  CHECK(actions.replies[0].text.find("Sorry") == 0);
  CHECK(actions.warnings.size() == 1);
}
