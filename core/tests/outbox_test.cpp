#include <catch2/catch.hpp>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using Code = sdk::PublishOutcome::Code;
using test::ScriptedChannel;
using test::TestServices;

namespace {

core::PipelineSettings fast_settings() {
  core::PipelineSettings settings = test::made_up_recipients();
  settings.retry_initial = 1ms;
  settings.retry_max = 5ms;
  return settings;
}

sdk::PublishOutcome publish(TestServices& services, const std::string& user, const std::string& message) {
  sdk::PublishOutcome outcome;
  bool done = false;
  sdk::PublishRequest request;
  request.notification.user = user;
  request.notification.message = message;
  services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome o) {
    outcome = std::move(o);
    done = true;
  });
  REQUIRE(services.run_until([&] { return done; }));
  return outcome;
}

sdk::HistoryEntry stored(TestServices& services, std::uint64_t id) {
  auto entry = services.pipeline->find(id);
  REQUIRE(entry.ok());
  return entry.value();
}

}  // namespace

TEST_CASE("a channel that fails N times gets the notification delivered exactly once after N retries") {
  TestServices services(fast_settings());
  ScriptedChannel channel([](const sdk::Delivery& d) {
    return d.attempt <= 3 ? sdk::DeliveryResult::retry("flaky " + std::to_string(d.attempt)) : sdk::DeliveryResult::ok();
  });
  auto host = services.host("flaky", sdk::Kind::channel);
  services.pipeline->add_channel("flaky", channel, host->executor());
  services.pipeline->start();

  auto outcome = publish(services, "alice", "disk almost full");
  REQUIRE(outcome.code == Code::accepted);
  CHECK(outcome.channels == std::vector<std::string>{"flaky"});
  REQUIRE(services.run_until([&] { return !channel.delivered().empty(); }));
  services.run_until([] { return false; }, 50ms);
  CHECK(channel.delivered() == std::vector<std::uint64_t>{outcome.id});
  CHECK(channel.attempts() == 4);

  REQUIRE(services.run_until([&] { return stored(services, outcome.id).deliveries.at(0).state == "delivered"; }));
  auto entry = stored(services, outcome.id);
  CHECK(entry.deliveries[0].attempts == 4);
  REQUIRE(entry.attempts.size() == 4);
  CHECK(entry.attempts[0].outcome == "retry");
  CHECK(entry.attempts[0].error == "flaky 1");
  CHECK(entry.attempts[3].outcome == "delivered");
  CHECK(services.pipeline->health().at(0).pending == 0);
}

TEST_CASE("a permanent failure is recorded and never retried") {
  TestServices services(fast_settings());
  ScriptedChannel channel([](const sdk::Delivery&) { return sdk::DeliveryResult::permanent("bot was blocked by the user"); });
  auto host = services.host("bot", sdk::Kind::channel);
  services.pipeline->add_channel("bot", channel, host->executor());
  services.pipeline->start();
  auto outcome = publish(services, "alice", "x");
  REQUIRE(services.run_until([&] { return stored(services, outcome.id).deliveries.at(0).state == "failed"; }));
  services.run_until([] { return false; }, 30ms);
  CHECK(channel.attempts() == 1);
  CHECK(stored(services, outcome.id).deliveries[0].last_error == "bot was blocked by the user");
  CHECK(services.pipeline->health().at(0).failed == 1);
}

TEST_CASE("an undeliverable notification expires after the TTL into a dead-letter record") {
  auto settings = fast_settings();
  settings.delivery_ttl = 40ms;
  TestServices services(settings);
  ScriptedChannel channel([](const sdk::Delivery&) { return sdk::DeliveryResult::retry("down", 10ms); });
  auto host = services.host("down", sdk::Kind::channel);
  services.pipeline->add_channel("down", channel, host->executor());
  services.pipeline->start();
  auto outcome = publish(services, "alice", "x");
  REQUIRE(services.run_until([&] { return stored(services, outcome.id).deliveries.at(0).state == "expired"; }));
  // How many attempts fit in the 40 ms depends on the machine's load (none, when
  // the TTL has passed before the first dispatch); the last record is the expiry.
  const auto attempts = stored(services, outcome.id).attempts;
  REQUIRE(attempts.size() == channel.attempts() + 1);
  CHECK(attempts.back().outcome == "expired");
}

TEST_CASE("routing: not linked, named channels and invalid requests") {
  TestServices services(fast_settings());
  ScriptedChannel bobs_channel({}, {"bob"});
  ScriptedChannel everyone;
  auto host_a = services.host("bobs", sdk::Kind::channel);
  auto host_b = services.host("everyone", sdk::Kind::channel);
  services.pipeline->add_channel("bobs", bobs_channel, host_a->executor());
  services.pipeline->add_channel("everyone", everyone, host_b->executor());
  services.pipeline->start();

  CHECK(publish(services, "bob", "x").channels == std::vector<std::string>{"bobs", "everyone"});
  CHECK(publish(services, "alice", "x").channels == std::vector<std::string>{"everyone"});
  CHECK(publish(services, "", "x").code == Code::invalid);
  CHECK(publish(services, "alice", "").code == Code::invalid);
  CHECK(publish(services, "bad user", "x").code == Code::invalid);
  const auto with_nul = publish(services, "alice", std::string("a\0b", 3));
  CHECK(with_nul.code == Code::invalid);
  CHECK(with_nul.message == "`title`, `message` and `source` must not contain NUL characters");

  sdk::PublishRequest named;
  named.notification.user = "alice";
  named.notification.message = "x";
  named.channels = {"bobs"};
  sdk::PublishOutcome outcome;
  services.pipeline->publish(named, [&](sdk::PublishOutcome o) { outcome = o; });
  CHECK(outcome.code == Code::not_linked);
}

TEST_CASE("pending deliveries survive a restart and are delivered once") {
  test::TempDir dir;
  std::vector<std::uint64_t> accepted;
  {
    TestServices before(fast_settings(), dir.path());
    ScriptedChannel never([](const sdk::Delivery&) { return sdk::DeliveryResult::retry("offline", 1h); });
    auto host = before.host("bot", sdk::Kind::channel);
    before.pipeline->add_channel("bot", never, host->executor());
    before.pipeline->start();
    for (int i = 0; i < 5; ++i) accepted.push_back(publish(before, "alice", "m" + std::to_string(i)).id);
    // One lane: the first waits for its retry and holds back the other four.
    REQUIRE(before.run_until([&] { return never.attempts() == 1; }));
  }
  TestServices after(fast_settings(), dir.path());
  ScriptedChannel working;
  auto host = after.host("bot", sdk::Kind::channel);
  after.pipeline->add_channel("bot", working, host->executor());
  after.pipeline->start();
  REQUIRE(after.run_until([&] { return working.delivered().size() == accepted.size(); }));
  CHECK(working.delivered() == accepted);
  CHECK(publish(after, "alice", "new").id > accepted.back());
}

TEST_CASE("a backlog larger than the memory window is delivered in order, each once") {
  auto settings = fast_settings();
  settings.outbox_memory_items = 4;
  settings.max_in_flight = 2;
  TestServices services(settings);
  ScriptedChannel channel;
  auto host = services.host("slow", sdk::Kind::channel);
  services.pipeline->add_channel("slow", channel, host->executor());
  services.pipeline->start();

  std::vector<std::uint64_t> ids;
  int answered = 0;
  for (int i = 0; i < 50; ++i) {
    sdk::PublishRequest request;
    request.notification.user = "alice";
    request.notification.message = "m" + std::to_string(i);
    services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome o) {
      ids.push_back(o.id);
      ++answered;
    });
  }
  REQUIRE(services.run_until([&] { return answered == 50 && channel.delivered().size() == 50; }));
  services.run_until([] { return false; }, 30ms);
  CHECK(channel.delivered() == ids);
}

TEST_CASE("a recipient's deliveries go out in acceptance order; a failing one holds back only that recipient") {
  TestServices services(fast_settings());
  std::atomic<bool> bob_delivered{false};
  ScriptedChannel channel([&](const sdk::Delivery& d) {
    // Alice's first fails until Bob's, accepted after all of hers, went out.
    if (d.notification->message == "a0" && !bob_delivered) return sdk::DeliveryResult::retry("down", 2ms);
    if (d.notification->user == "bob") bob_delivered = true;
    if (d.notification->message == "a1" && d.attempt == 1) return sdk::DeliveryResult::retry("down", 1ms);
    return sdk::DeliveryResult::ok();
  });
  auto host = services.host("bot", sdk::Kind::channel);
  services.pipeline->add_channel("bot", channel, host->executor());
  services.pipeline->start();

  std::vector<std::uint64_t> alice;
  for (int i = 0; i < 6; ++i) alice.push_back(publish(services, "alice", "a" + std::to_string(i)).id);
  const auto bob = publish(services, "bob", "b0").id;
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 7; }));
  services.run_until([] { return false; }, 30ms);
  const auto delivered = channel.delivered();
  std::vector<std::uint64_t> alices;
  std::copy_if(delivered.begin(), delivered.end(), std::back_inserter(alices), [&](auto id) { return id != bob; });
  CHECK(alices == alice);
  CHECK(delivered.size() == 7);
  // Bob's notification, accepted last, did not wait for Alice's failing one.
  CHECK(std::find(delivered.begin(), delivered.end(), bob) < std::find(delivered.begin(), delivered.end(), alice[0]));
  CHECK(services.pipeline->health().at(0).pending == 0);
}

TEST_CASE("a recipient's urgent notification goes past that recipient's delivery waiting for a retry") {
  TestServices services(fast_settings());
  std::atomic<bool> urgent_delivered{false};
  ScriptedChannel channel([&](const sdk::Delivery& d) {
    // The first waits (as a muted one does) until the urgent one, accepted after it, went out.
    if (d.notification->message == "held" && !urgent_delivered) return sdk::DeliveryResult::retry("muted", 2ms);
    if (d.notification->priority == sdk::Priority::urgent) urgent_delivered = true;
    return sdk::DeliveryResult::ok();
  });
  auto host = services.host("bot", sdk::Kind::channel);
  services.pipeline->add_channel("bot", channel, host->executor());
  services.pipeline->start();

  const auto held = publish(services, "alice", "held").id;
  const auto later = publish(services, "alice", "later").id;
  sdk::PublishRequest request;
  request.notification.user = "alice";
  request.notification.message = "urgent";
  request.notification.priority = sdk::Priority::urgent;
  std::uint64_t urgent = 0;
  services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome outcome) { urgent = outcome.id; });
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 3; }));
  // The urgent one went first; the others kept their order behind the one that waited.
  CHECK(channel.delivered() == std::vector<std::uint64_t>{urgent, held, later});
  CHECK(services.pipeline->health().at(0).pending == 0);
}
