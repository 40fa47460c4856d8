#include <catch2/catch.hpp>

#include <atomic>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::ScriptedChannel;
using test::TestServices;

namespace {

std::uint64_t publish(TestServices& services, const std::string& user, const std::string& message) {
  std::uint64_t id = 0;
  bool done = false;
  sdk::PublishRequest request;
  request.notification.user = user;
  request.notification.message = message;
  services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome outcome) {
    REQUIRE(outcome.code == sdk::PublishOutcome::Code::accepted);
    id = outcome.id;
    done = true;
  });
  REQUIRE(services.run_until([&] { return done; }));
  return id;
}

}  // namespace

TEST_CASE("a recipient that becomes reachable gets its retrying deliveries at once, oldest first") {
  core::PipelineSettings settings = test::made_up_recipients();
  settings.retry_initial = 1h;  // no retry timer fires during the test
  settings.retry_max = 1h;
  settings.max_in_flight = 4;
  TestServices services(settings);
  std::atomic<bool> alice_online{false};
  ScriptedChannel channel([&](const sdk::Delivery& d) {
    const bool online = d.notification->user == "alice" && alice_online.load();
    return online ? sdk::DeliveryResult::ok() : sdk::DeliveryResult::retry("no desktop app connected");
  });
  auto host = services.host("desk", sdk::Kind::channel);
  services.pipeline->add_channel("desk", channel, host->executor());
  services.pipeline->start();

  std::vector<std::uint64_t> alice;
  for (int i = 0; i < 10; ++i) {
    alice.push_back(publish(services, "alice", "missed " + std::to_string(i)));
    if (i == 4) publish(services, "bob", "for bob");
  }
  const auto retrying = [&] { return services.pipeline->health().at(0).retrying; };
  // One lane per recipient: each held back by its oldest delivery's retry.
  REQUIRE(services.run_until([&] { return retrying() == 2; }));

  alice_online = true;
  host->recipient_reachable("alice");
  REQUIRE(services.run_until([&] { return channel.delivered().size() == 10; }, 5s));
  CHECK(channel.delivered() == alice);
  CHECK(retrying() == 1);  // bob's waits for its retry

  SECTION("another channel's recipient is not hurried") {
    auto other = services.host("other", sdk::Kind::channel);
    other->recipient_reachable("bob");
    services.run_until([] { return false; }, 50ms);
    CHECK(retrying() == 1);
  }
}
