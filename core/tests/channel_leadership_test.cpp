#include <catch2/catch.hpp>

#include "channel_leadership.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::ScriptedChannel;
using test::TestServices;
using Events = std::vector<std::string>;

namespace {

std::uint64_t publish(TestServices& services, const std::string& message) {
  std::optional<sdk::PublishOutcome> outcome;
  sdk::PublishRequest request;
  request.notification.user = "alice";
  request.notification.message = message;
  services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome o) { outcome = std::move(o); });
  REQUIRE(services.run_until([&] { return outcome.has_value(); }));
  REQUIRE(outcome->code == sdk::PublishOutcome::Code::accepted);
  return outcome->id;
}

// The channel's events once `count` have happened.
Events events_once(TestServices& services, const ScriptedChannel& channel, std::size_t count) {
  REQUIRE(services.run_until([&] { return channel.events().size() >= count; }));
  return channel.events();
}

std::string deliver(std::uint64_t id) { return "deliver " + std::to_string(id); }

/// A one_replica channel "bot" led through a lease the test grants, takes
/// and outlives with `coordination`; `leadership` is started.
struct LeasedChannel {
  LeasedChannel() {
    channel.set_placement(sdk::Placement::one_replica);
    services.pipeline->start();
    coordination.grant_only_when_told();
    leadership->start();
  }
  TestServices services;
  ScriptedChannel channel;
  std::unique_ptr<core::PluginHost> host = services.host("bot", sdk::Kind::channel);
  std::shared_ptr<core::Outbox> outbox =
      services.pipeline->add_channel("bot", channel, host->executor(), sdk::Placement::one_replica);
  testing::MemoryDocuments documents;
  testing::FakeCoordination coordination{documents};
  std::unique_ptr<core::ChannelLeadership> leadership = std::make_unique<core::ChannelLeadership>(
      coordination, "bot", channel, host->executor(), outbox, services.log, services.metrics);
};

}  // namespace

TEST_CASE("an outbox that does not lead queues deliveries and hands them out once it leads") {
  TestServices services;
  ScriptedChannel channel;
  auto host = services.host("bot", sdk::Kind::channel);
  auto outbox = services.pipeline->add_channel("bot", channel, host->executor(), sdk::Placement::one_replica);
  services.pipeline->start();

  const auto first = publish(services, "one");
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.attempts() == 0);
  CHECK(services.pipeline->health().at(0).pending == 1);

  outbox->lead();
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 1; }));
  CHECK(channel.delivered() == std::vector<std::uint64_t>{first});

  bool followed = false;
  outbox->follow([&] { followed = true; });
  REQUIRE(services.run_until([&] { return followed; }));
  const auto second = publish(services, "two");
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.attempts() == 1);

  outbox->lead();
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 2; }));
  CHECK(channel.delivered() == std::vector<std::uint64_t>{first, second});
}

TEST_CASE("a one_replica channel leads while its lease is held: lead, deliver, follow, lead again with a new fence") {
  LeasedChannel bot;
  auto& services = bot.services;
  auto& channel = bot.channel;
  auto& coordination = bot.coordination;
  auto& leadership = bot.leadership;
  const auto leads = [&] {
    const auto text = services.metrics.render();
    const std::string series = "notifyd_channel_leads{channel=\"bot\"} ";
    const auto at = text.find(series);
    return at == std::string::npos ? std::string("absent") : text.substr(at + series.size(), 1);
  };

  const auto first = publish(services, "before the lease");
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.events().empty());
  CHECK_FALSE(leadership->leads());
  CHECK(leads() == "0");

  coordination.grant("channel/bot");
  CHECK(events_once(services, channel, 2) == Events{"lead 1", deliver(first)});
  CHECK(leadership->leads());
  CHECK(leads() == "1");

  coordination.revoke("channel/bot");
  CHECK(events_once(services, channel, 3) == Events{"lead 1", deliver(first), "follow"});
  CHECK(leads() == "0");
  const auto second = publish(services, "while following");
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.events().size() == 3);

  coordination.grant("channel/bot");
  CHECK(events_once(services, channel, 5) == Events{"lead 1", deliver(first), "follow", "lead 2", deliver(second)});

  leadership.reset();
  coordination.grant("channel/bot");  // no campaign is left to hold it
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.events().size() == 5);
}

TEST_CASE("a leader whose lease ran out by its own clock hands out nothing more, before it hears follow") {
  LeasedChannel bot;
  auto& services = bot.services;
  auto& channel = bot.channel;
  auto& coordination = bot.coordination;
  coordination.grant("channel/bot");
  const auto first = publish(services, "while the lease is held");
  CHECK(events_once(services, channel, 2) == Events{"lead 1", deliver(first)});

  // Frozen past its lease and resumed: by its clock the holding is over,
  // but the lease has not said `lost` yet.
  coordination.run_out("channel/bot");
  CHECK_FALSE(bot.leadership->leads());
  const auto second = publish(services, "after the lease ran out");
  services.run_until([] { return false; }, 200ms);
  CHECK(channel.events() == Events{"lead 1", deliver(first)});
  CHECK(services.pipeline->health().at(0).pending == 1);

  coordination.revoke("channel/bot");
  coordination.grant("channel/bot");
  CHECK(events_once(services, channel, 5) == Events{"lead 1", deliver(first), "follow", "lead 2", deliver(second)});
}

TEST_CASE("with the local backend the channel leads at once, or once the holder of its lease releases it") {
  TestServices services;
  ScriptedChannel channel;
  auto host = services.host("bot", sdk::Kind::channel);
  auto outbox = services.pipeline->add_channel("bot", channel, host->executor(), sdk::Placement::one_replica);
  services.pipeline->start();
  auto other = services.coordination.campaign(core::ChannelLeadership::lease_name("bot"), services.io.get_executor(), {});
  REQUIRE(other->held());

  core::ChannelLeadership leadership(services.coordination, "bot", channel, host->executor(), outbox, services.log,
                                     services.metrics);
  leadership.start();
  const auto id = publish(services, "held elsewhere");
  services.run_until([] { return false; }, 100ms);
  CHECK(channel.events().empty());

  other.reset();
  CHECK(events_once(services, channel, 2) == Events{"lead 2", deliver(id)});
  CHECK(leadership.leads());
}
