// The outbox of a one_replica channel when the store is shared: pending
// deliveries another replica stored, leadership moving between replicas,
// and results of deliveries handed out before a follow.
#include <catch2/catch.hpp>

#include "notifyd/sdk/bus_topics.hpp"

#include <algorithm>
#include <deque>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::ScriptedChannel;
using test::TestServices;

namespace {

/// Forwards to the process's bus and counts the rings of each topic; a deaf
/// one drops every ring, as a lost doorbell does.
class CountingBus final : public sdk::Bus {
 public:
  explicit CountingBus(sdk::Bus& inner, bool deaf = false) : inner_(inner), deaf_(deaf) {}
  void ring(std::string_view topic, std::string_view note = {}) noexcept override {
    rings_.push_back(std::string(topic));
    if (!deaf_) inner_.ring(topic, note);
  }
  sdk::Subscription listen(std::string topic, boost::asio::any_io_executor executor,
                           std::function<void(std::string note)> rung) noexcept override {
    return inner_.listen(std::move(topic), std::move(executor), std::move(rung));
  }
  std::size_t rings(const std::string& topic) const { return std::count(rings_.begin(), rings_.end(), topic); }

 private:
  sdk::Bus& inner_;
  bool deaf_;
  std::vector<std::string> rings_;
};

/// A channel that holds each delivery until the test answers it.
class HeldChannel final : public sdk::Channel {
 public:
  sdk::Status start() noexcept override { return sdk::Status::success(); }
  void stop(std::function<void()> done) noexcept override { done(); }
  bool reaches(std::string_view) const noexcept override { return true; }
  sdk::Placement placement() const noexcept override { return sdk::Placement::one_replica; }
  void deliver(sdk::Delivery delivery, std::function<void(sdk::DeliveryResult)> done) noexcept override {
    attempts_.push_back({delivery.notification->id, delivery.attempt});
    held_.push_back(std::move(done));
  }
  /// Answers the oldest delivery still held.
  void answer(sdk::DeliveryResult result) {
    auto done = std::move(held_.front());
    held_.pop_front();
    done(std::move(result));
  }
  std::size_t held() const { return held_.size(); }
  /// (notification id, attempt) of each deliver call, in order.
  const std::vector<std::pair<std::uint64_t, std::uint32_t>>& attempts() const { return attempts_; }

 private:
  std::deque<std::function<void(sdk::DeliveryResult)>> held_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> attempts_;
};

/// A pipeline over the services' store with a one_replica channel "bot": one replica
/// of several (with a doorbell) or the store's only writer (without).
struct Replica {
  Replica(TestServices& services, std::optional<core::StoreDoorbell> doorbell, sdk::Channel& channel,
          const std::string& host_name)
      : pipeline(services.io, *services.store, services.settings, services.users, services.log, metrics, doorbell),
        host(services.host(host_name, sdk::Kind::channel)),
        outbox(pipeline.add_channel("bot", channel, host->executor(), sdk::Placement::one_replica)) {
    if (doorbell) pipeline.ring_after_commit(*doorbell->bus);
    pipeline.start();
  }

  core::MetricsRegistry metrics;
  core::Pipeline pipeline;
  std::unique_ptr<core::PluginHost> host;
  std::shared_ptr<core::Outbox> outbox;
};

std::uint64_t publish(TestServices& services, core::Pipeline& pipeline, const std::string& user,
                      const std::string& message) {
  std::optional<sdk::PublishOutcome> outcome;
  sdk::PublishRequest request;
  request.notification.user = user;
  request.notification.message = message;
  pipeline.publish(std::move(request), [&](sdk::PublishOutcome o) { outcome = std::move(o); });
  REQUIRE(services.run_until([&] { return outcome.has_value(); }));
  REQUIRE(outcome->code == sdk::PublishOutcome::Code::accepted);
  return outcome->id;
}

/// Stores a notification for channel "bot" as another replica would: no
/// outbox of this process hears of it.
std::uint64_t store_elsewhere(TestServices& services, const std::string& user, const std::string& message) {
  sdk::Notification notification;
  notification.user = user;
  notification.message = message;
  std::optional<std::uint64_t> id;
  services.store->insert(std::move(notification), std::nullopt, {"bot"}, services.io.get_executor(),
                         [&](sdk::Status status, std::shared_ptr<const sdk::Notification> stored) {
                           REQUIRE(status.ok);
                           id = stored->id;
                         });
  REQUIRE(services.run_until([&] { return id.has_value(); }));
  return *id;
}

std::string state_of(TestServices& services, std::uint64_t id) {
  auto entry = services.store->find(id);
  REQUIRE(entry.ok());
  return entry.value().deliveries.at(0).state;
}

void follow(TestServices& services, core::Outbox& outbox) {
  bool followed = false;
  outbox.follow([&] { followed = true; });
  REQUIRE(services.run_until([&] { return followed; }));
}

/// Runs the loop a while: for what must not happen.
void idle(TestServices& services, std::chrono::milliseconds time = 150ms) {
  services.run_until([] { return false; }, time);
}

constexpr std::chrono::hours no_poll{1};

}  // namespace

TEST_CASE("a leader pages in, when rung, the pending deliveries another replica stored, each once in lane order") {
  TestServices services;
  CountingBus bus(services.coordination.bus());
  ScriptedChannel channel;
  Replica leader(services, core::StoreDoorbell{&bus, no_poll}, channel, "bot-leader");
  leader.outbox->lead();
  idle(services);

  const auto a1 = store_elsewhere(services, "alice", "a1");
  const auto b1 = store_elsewhere(services, "bob", "b1");
  const auto a2 = store_elsewhere(services, "alice", "a2");
  idle(services);
  CHECK(channel.attempts() == 0);  // nothing rang, and the poll is an hour away

  bus.ring(std::string(sdk::notifications_committed_topic));
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 3; }));
  idle(services);
  const auto delivered = channel.delivered();
  CHECK(delivered.size() == 3);
  CHECK(std::find(delivered.begin(), delivered.end(), a1) < std::find(delivered.begin(), delivered.end(), a2));
  CHECK(std::find(delivered.begin(), delivered.end(), b1) != delivered.end());
  REQUIRE(services.run_until([&] { return state_of(services, a2) == "delivered"; }));
  CHECK(state_of(services, a1) == "delivered");
  CHECK(state_of(services, b1) == "delivered");
}

TEST_CASE("without a ring the leader finds what another replica stored by its poll") {
  TestServices services;
  CountingBus deaf(services.coordination.bus(), true);
  ScriptedChannel channel;
  Replica leader(services, core::StoreDoorbell{&deaf, 50ms}, channel, "bot-leader");
  leader.outbox->lead();
  idle(services);
  const auto id = store_elsewhere(services, "alice", "never rung");
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 1; }));
  CHECK(channel.delivered() == std::vector<std::uint64_t>{id});
}

TEST_CASE("notifications accepted by a follower ring the doorbell and go out once, through the leader") {
  TestServices services;
  CountingBus bus(services.coordination.bus());
  ScriptedChannel leading_channel, following_channel;
  Replica leader(services, core::StoreDoorbell{&bus, no_poll}, leading_channel, "bot-leader");
  Replica follower(services, core::StoreDoorbell{&bus, no_poll}, following_channel, "bot-follower");
  leader.outbox->lead();
  idle(services);

  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(publish(services, follower.pipeline, "alice", "m" + std::to_string(i)));
  REQUIRE(services.run_until([&] { return leading_channel.delivered().size() == ids.size(); }));
  idle(services);
  CHECK(leading_channel.delivered() == ids);
  CHECK(following_channel.attempts() == 0);
  CHECK(bus.rings(std::string(sdk::notifications_committed_topic)) >= 1);

  // Leadership moves: the new leader delivers what is pending now, and
  // nothing the old one delivered.
  follow(services, *leader.outbox);
  REQUIRE(services.run_until([&] { return state_of(services, ids.back()) == "delivered"; }));
  const auto while_moving = publish(services, leader.pipeline, "alice", "while nobody leads");
  follower.outbox->lead();
  REQUIRE(services.run_until([&] { return following_channel.delivered().size() == 1; }));
  const auto after = publish(services, leader.pipeline, "alice", "through the old leader");
  REQUIRE(services.run_until([&] { return following_channel.delivered().size() == 2; }));
  idle(services);
  CHECK(following_channel.delivered() == std::vector<std::uint64_t>{while_moving, after});
  CHECK(leading_channel.delivered() == ids);
}

TEST_CASE("a lead after a follow delivers what the store says is pending, not what memory held") {
  TestServices services;
  ScriptedChannel channel;
  Replica alone(services, std::nullopt, channel, "bot");
  auto& outbox = alone.outbox;
  outbox->lead();
  const auto first = publish(services, alone.pipeline, "alice", "first");
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 1; }));

  follow(services, *outbox);
  const auto second = publish(services, alone.pipeline, "alice", "second");
  const auto third = publish(services, alone.pipeline, "alice", "third");
  idle(services);
  CHECK(channel.attempts() == 1);
  // Another replica led meanwhile and delivered the second.
  services.store->update_delivery(second, "bot", core::DeliveryState::delivered, 1, "", "");

  outbox->lead();
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 2; }));
  idle(services);
  CHECK(channel.delivered() == std::vector<std::uint64_t>{first, third});
  CHECK(alone.pipeline.health().at(0).pending == 0);
}

TEST_CASE("a delivery answered after its outbox followed is recorded, and the next lead does not repeat it") {
  TestServices services;
  HeldChannel channel;
  Replica alone(services, std::nullopt, channel, "bot");
  auto& outbox = alone.outbox;
  outbox->lead();
  const auto held = publish(services, alone.pipeline, "alice", "held by the channel");
  REQUIRE(services.run_until([&] { return channel.held() == 1; }));

  SECTION("answered while following") {
    follow(services, *outbox);
    channel.answer(sdk::DeliveryResult::ok());
    REQUIRE(services.run_until([&] { return state_of(services, held) == "delivered"; }));
    outbox->lead();
    const auto next = publish(services, alone.pipeline, "alice", "next");
    REQUIRE(services.run_until([&] { return channel.held() == 1; }));
    CHECK(channel.attempts() == std::vector<std::pair<std::uint64_t, std::uint32_t>>{{held, 1}, {next, 1}});
  }

  SECTION("answered after the next lead, which waits for it") {
    follow(services, *outbox);
    outbox->lead();
    const auto next = publish(services, alone.pipeline, "bob", "next");
    idle(services);
    CHECK(channel.attempts().size() == 1);  // nothing goes out while a result of the last term is outstanding

    channel.answer(sdk::DeliveryResult::retry("timed out"));
    // The stray's retry stays pending in the store, and the new term delivers it again.
    REQUIRE(services.run_until([&] { return channel.held() == 2; }));
    auto attempts = channel.attempts();
    std::sort(attempts.begin() + 1, attempts.end());
    CHECK(attempts == std::vector<std::pair<std::uint64_t, std::uint32_t>>{{held, 1}, {held, 2}, {next, 1}});
    channel.answer(sdk::DeliveryResult::ok());
    channel.answer(sdk::DeliveryResult::ok());
    REQUIRE(services.run_until([&] { return state_of(services, held) == "delivered" && state_of(services, next) == "delivered"; }));
    idle(services);
    CHECK(channel.attempts().size() == 3);
  }
}

TEST_CASE("a late result never takes a delivery out of a final state") {
  TestServices services;
  const auto id = store_elsewhere(services, "alice", "x");
  services.store->update_delivery(id, "bot", core::DeliveryState::delivered, 1, "", "");
  services.store->update_delivery(id, "bot", core::DeliveryState::pending, 1, "timed out", "retry");
  bool written = false;
  services.store->after_queued_writes(services.io.get_executor(), [&] { written = true; });
  REQUIRE(services.run_until([&] { return written; }));
  const auto entry = services.store->find(id).value();
  CHECK(entry.deliveries.at(0).state == "delivered");
  CHECK(entry.deliveries.at(0).attempts == 1);
  REQUIRE(entry.attempts.size() == 2);  // the delivery, and the late attempt, listed
  CHECK(std::count_if(entry.attempts.begin(), entry.attempts.end(), [](const auto& a) { return a.outcome == "retry"; }) == 1);
}
