// The channel on a fake host, leading and following as the host's
// ChannelLeadership tells it. The Bot API address refuses connections: what
// is observed is what the channel writes and how it answers deliveries.

#include <catch2/catch.hpp>

#include <future>

#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/running_plugin.hpp"
#include "telegram_channel.hpp"

using namespace notifyd;
using namespace notifyd::telegram;
using notifyd::testing::eventually;

namespace {

const std::string state_file = "bot_telegram_state.json";
const std::string inbox_file = "bot_telegram_state.inbox.json";

class Bot {
 public:
  Bot() : running_(config(), sdk::Kind::channel, "bot") {
    auto& host = running_.host();
    host.documents_store.fence_is_current = [&host](const sdk::Fence& fence) {
      return host.coordination_service.holds(fence);
    };
    host.documents_store.put("telegram_users.json", R"({"alice": {"chat_id": 42, "linked_at": "2026-01-01T00:00:00Z"}})");
  }

  template <class F>
  auto on_strand(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(running_.host().executor(), [&task] { task(); });
    return result.get();
  }

  // The lease the host would campaign for, held at once (nobody else campaigns).
  sdk::Fence take_lease() {
    lease_ = running_.host().coordination_service.campaign("channel/bot", running_.host().executor(), {});
    REQUIRE(lease_->held());
    return lease_->fence();
  }
  void lose_lease() { running_.host().coordination_service.revoke("channel/bot"); }
  // Over by this replica's clock (frozen past it, then resumed), before the host says `follow`.
  void outlive_lease() { running_.host().coordination_service.run_out("channel/bot"); }

  void lead(sdk::Fence fence) {
    on_strand([&] {
      running_.plugin().lead(fence);
      return 0;
    });
  }
  void follow() {
    on_strand([&] {
      running_.plugin().follow();
      return 0;
    });
  }

  sdk::DeliveryResult deliver() {
    auto notification = std::make_shared<sdk::Notification>();
    notification->id = ++next_notification_;
    notification->user = "alice";
    notification->message = "disk full";
    notification->created_at_ms = sdk::now_epoch_ms();
    std::promise<sdk::DeliveryResult> answered;
    auto result = answered.get_future();
    boost::asio::post(running_.host().executor(), [&] {
      running_.plugin().deliver({notification, 1}, [&answered](sdk::DeliveryResult r) { answered.set_value(r); });
    });
    return result.get();
  }

  // Verifies a pending code for `user` through the link route, as a dashboard on this replica would.
  int verify(const std::string& user) {
    const auto now = sdk::now_epoch_ms() / 1000;
    running_.host().documents_store.put("pending_codes.json",
                                        R"({"123456": {"chat_id": 42, "created_at": )" + std::to_string(now) + "}}");
    const auto match = running_.host().route_table.find(sdk::surface_socket, "POST", "/api/telegram/verify");
    REQUIRE(match.route);
    sdk::HttpRequest request;
    request.method = "POST";
    request.body = R"({"code": "123456"})";
    request.caller.user = user;
    std::promise<int> status;
    match.route->handler(request, [&status](sdk::HttpResponse response) { status.set_value(response.status); });
    return status.get_future().get();
  }

  sdk::Placement placement() { return running_.plugin().placement(); }
  std::string document(const std::string& name) { return running_.host().documents_store.file(name); }
  notifyd::testing::FakeLogger& log() { return running_.host().logger; }

 private:
  static sdk::PluginConfig config() {
    return notifyd::testing::plugin_config(
        &TelegramChannel::describe,
        {{"token", std::string("123456:unit-test-token")}, {"api_base_url", std::string("http://127.0.0.1:9")}});
  }

  notifyd::testing::RunningPlugin<TelegramChannel, notifyd::testing::FakeHost<>> running_;
  std::unique_ptr<sdk::Lease> lease_;
  std::uint64_t next_notification_ = 0;
};

bool leaves_it_to_the_leader(const sdk::DeliveryResult& result) {
  return result.outcome == sdk::DeliveryResult::Outcome::retry &&
         result.error.find("does not lead") != std::string::npos;
}

}  // namespace

TEST_CASE("a replica that does not lead sends nothing; it delivers from lead(fence) until follow()", "[telegram_channel]") {
  Bot bot;
  CHECK(bot.placement() == sdk::Placement::one_replica);
  CHECK(leaves_it_to_the_leader(bot.deliver()));
  bot.lead(bot.take_lease());
  // The leader hands the notification to its sender (the API is unreachable: a retry of another kind).
  const auto led = bot.deliver();
  CHECK(led.outcome == sdk::DeliveryResult::Outcome::retry);
  CHECK_FALSE(leaves_it_to_the_leader(led));
  CHECK(bot.log().count("leads the bot (channel/bot epoch 1)") == 1);
  bot.follow();
  CHECK(leaves_it_to_the_leader(bot.deliver()));
  CHECK(bot.log().count("no longer leads the bot") == 1);
}

TEST_CASE("a follower's link confirmation waits in the inbox; the leader takes it into its fenced state once",
          "[telegram_channel]") {
  Bot bot;
  CHECK(bot.verify("bob") == 200);
  CHECK(bot.document(inbox_file).find("This chat is now linked to bob") != std::string::npos);
  CHECK(bot.document(state_file).empty());
  bot.lead(bot.take_lease());
  REQUIRE(eventually([&] { return bot.document(state_file).find("now linked to bob") != std::string::npos; }));
  const std::string state = bot.document(state_file);
  CHECK(state.find("\"inbox_done\": 1") != std::string::npos);
  CHECK(bot.document(inbox_file).find("now linked to bob") == std::string::npos);
  // While leading, a confirmation goes straight into the state.
  CHECK(bot.verify("carol") == 200);
  CHECK(bot.document(state_file).find("now linked to carol") != std::string::npos);
  CHECK(bot.document(inbox_file).find("carol") == std::string::npos);
}

TEST_CASE("a lead whose fence is no longer current writes nothing and stands down", "[telegram_channel]") {
  Bot bot;
  CHECK(bot.verify("bob") == 200);
  const std::string inbox = bot.document(inbox_file);
  const sdk::Fence fence = bot.take_lease();
  bot.lose_lease();  // another replica holds it now; this one has not heard yet
  bot.lead(fence);
  CHECK(bot.log().count("the bot state write was refused") == 1);
  CHECK(bot.document(state_file).empty());
  CHECK(bot.document(inbox_file) == inbox);
  CHECK(leaves_it_to_the_leader(bot.deliver()));
}

TEST_CASE("a leader whose lease ran out by its own clock sends nothing and stands down before follow()",
          "[telegram_channel]") {
  Bot bot;
  bot.lead(bot.take_lease());
  bot.outlive_lease();
  const auto refused = bot.deliver();
  CHECK(refused.outcome == sdk::DeliveryResult::Outcome::retry);
  CHECK(refused.error.find("lease on the bot ran out") != std::string::npos);
  REQUIRE(eventually([&] { return bot.log().count("ran out by this replica's clock") == 1; }));
  CHECK(leaves_it_to_the_leader(bot.deliver()));
}
