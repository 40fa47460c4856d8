#include <catch2/catch.hpp>

#include "notifyd/testing/fake_logger.hpp"
#include "reply_inbox.hpp"
#include "test_support.hpp"
#include "update_batch.hpp"

using namespace notifyd;
using namespace notifyd::telegram;
using namespace notifyd::telegram::testing;

namespace {

constexpr std::int64_t now = 1'800'000'000'000;

// Documents whose fenced writes go through only while the fence is the one
// the test says is current, as the daemon's stores check them.
class FencedDocuments : public MemoryDocuments {
 public:
  sdk::Result<sdk::ConditionalWrite> write_if(std::string_view name, std::optional<std::string_view> content,
                                              std::uint64_t expected, const sdk::Fence& fence) noexcept override {
    if (fence && !(fence == current)) return sdk::ConditionalWrite{sdk::WriteOutcome::fenced, 0};
    return MemoryDocuments::write_if(name, content, expected, {});
  }
  sdk::Fence current{"channel/bot", "replica-b", 2};
};

struct Bot {
  FencedDocuments documents;
  LinkRegistry links{documents, "telegram_users.json"};
  VerificationCodes codes{documents, "pending_codes.json", std::chrono::seconds(600),
                          [] { return std::optional<std::string>("424242"); }};
  BotState state;
  FakeChecks checks;
  CommandHandler handler{links, codes, state, checks, {}};
  BotStateDocument document{documents, "bot_telegram_state.json"};
  notifyd::testing::FakeLogger log;

  Bot() {
    REQUIRE(links.link("alice", 7, "2026-01-01T00:00:00Z").ok);
    checks.by_user["alice"] = {check_status("alice", "disk")};
  }

  static UpdateBatch batch(std::int64_t first, std::vector<std::string> texts) {
    UpdateBatch out;
    std::int64_t id = first;
    for (auto& text : texts) out.updates.push_back({id++, ChatMessage{7, "private", 7, std::move(text)}});
    out.next_offset = id;
    return out;
  }

  AppliedBatch apply(const UpdateBatch& updates, const sdk::Fence& fence) {
    return apply_batch(updates, handler, state, document, fence, now, std::chrono::hours(1), log);
  }

  BotState stored() {
    std::string problem;
    auto loaded = document.load(problem);
    REQUIRE(loaded.ok());
    REQUIRE(problem.empty());
    return loaded.value();
  }
};

}  // namespace

TEST_CASE("a batch's mutes, replies, runs and offset are one fenced write", "[update_batch]") {
  Bot bot;
  const int writes_before = bot.documents.writes;
  const auto applied = bot.apply(Bot::batch(40, {"/mute 2h", "/help", "/run disk"}), bot.documents.current);
  REQUIRE(applied.commit.outcome == BotStateDocument::Outcome::written);
  CHECK(bot.documents.writes == writes_before + 1);
  CHECK(applied.performed.size() == 3);
  REQUIRE(applied.runs.size() == 1);
  CHECK(applied.runs[0].check == "disk");
  const BotState stored = bot.stored();
  CHECK(stored.offset == 43);
  CHECK(stored.mute_end("alice", now) == now + 2 * 3600 * 1000);
  CHECK(stored.replies.size() == 3);
  REQUIRE(stored.runs.size() == 1);
  CHECK(stored.runs[0].id == applied.runs[0].id);
}

TEST_CASE("a stale fence applies nothing: no mute, reply, run or offset counts", "[update_batch]") {
  Bot bot;
  REQUIRE(bot.apply(Bot::batch(40, {"/help"}), bot.documents.current).commit.outcome ==
          BotStateDocument::Outcome::written);
  const std::string before = bot.documents.file("bot_telegram_state.json");
  const BotState state_before = bot.state;
  // Another replica took the lease over (epoch 3); this one still holds epoch 2.
  const sdk::Fence stale = bot.documents.current;
  bot.documents.current = {"channel/bot", "replica-c", 3};
  const auto applied = bot.apply(Bot::batch(41, {"/mute 1h", "/run disk", "/whoami"}), stale);
  CHECK(applied.commit.outcome == BotStateDocument::Outcome::fenced);
  CHECK(applied.performed.empty());
  CHECK(applied.runs.empty());
  CHECK(bot.documents.file("bot_telegram_state.json") == before);
  CHECK(serialize_bot_state(bot.state) == serialize_bot_state(state_before));
  CHECK(bot.state.offset == 41);
  CHECK(bot.state.muted_until.empty());
  // The new holder handles the same updates from the stored offset, once.
  bot.state = bot.stored();
  const auto again = bot.apply(Bot::batch(bot.state.offset, {"/mute 1h", "/run disk", "/whoami"}), bot.documents.current);
  REQUIRE(again.commit.outcome == BotStateDocument::Outcome::written);
  const BotState stored = bot.stored();
  CHECK(stored.offset == 44);
  CHECK(stored.replies.size() == 4);
  CHECK(stored.runs.size() == 1);
}

TEST_CASE("a write that fails leaves the state as it was; the batch is handled again", "[update_batch]") {
  Bot bot;
  bot.documents.fail_writes = true;
  const auto applied = bot.apply(Bot::batch(5, {"/mute 1h"}), bot.documents.current);
  CHECK(applied.commit.outcome == BotStateDocument::Outcome::failed);
  CHECK(applied.commit.error.find("disk full") != std::string::npos);
  CHECK(bot.state.offset == 0);
  CHECK(bot.state.muted_until.empty());
  CHECK(bot.state.replies.empty());
  bot.documents.fail_writes = false;
  REQUIRE(bot.apply(Bot::batch(5, {"/mute 1h"}), bot.documents.current).commit.outcome ==
          BotStateDocument::Outcome::written);
  CHECK(bot.stored().offset == 6);
}

TEST_CASE("the stored offset is where the next leader resumes", "[update_batch]") {
  Bot bot;
  REQUIRE(bot.apply(Bot::batch(1000, {"/help", "/help"}), bot.documents.current).commit.outcome ==
          BotStateDocument::Outcome::written);
  BotStateDocument other_replica(bot.documents, "bot_telegram_state.json");
  std::string problem;
  const auto loaded = other_replica.load(problem);
  REQUIRE(loaded.ok());
  CHECK(loaded.value().offset == 1002);
  CHECK(loaded.value().replies.size() == 2);
}

TEST_CASE("the inbox hands each entry to the leader once, whoever appended it", "[update_batch]") {
  MemoryDocuments documents;
  ReplyInbox first(documents, inbox_name_for("bot_telegram_state.json"));
  ReplyInbox second(documents, "bot_telegram_state.inbox.json");
  REQUIRE(first.tell(7, "linked").ok);
  REQUIRE(second.unmute("alice").ok);
  REQUIRE(first.tell(8, "unlinked").ok);
  auto all = first.after(0);
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 3);
  CHECK(all.value()[0].text == "linked");
  CHECK(all.value()[1].unmute == "alice");
  CHECK(all.value()[2].chat_id == 8);
  CHECK(second.after(all.value()[1].seq).value().size() == 1);
  REQUIRE(second.forget(all.value()[1].seq).ok);
  REQUIRE(first.tell(9, "later").ok);
  auto left = first.after(all.value()[1].seq);
  REQUIRE(left.value().size() == 2);
  CHECK(left.value()[1].seq > all.value()[2].seq);
}
