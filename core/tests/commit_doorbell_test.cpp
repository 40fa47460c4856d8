#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "notifyd/sdk/bus_topics.hpp"
#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using test::ScriptedChannel;
using test::TestServices;

TEST_CASE("the pipeline rings notifications/committed after commits, with the highest id committed") {
  TestServices services;
  std::vector<std::string> notes;
  auto listening = services.coordination.bus().listen(std::string(sdk::notifications_committed_topic),
                                                      services.io.get_executor(),
                                                      [&](std::string note) { notes.push_back(std::move(note)); });
  services.pipeline->ring_after_commit(services.coordination.bus());
  ScriptedChannel channel;
  auto host = services.host("everyone", sdk::Kind::channel);
  services.pipeline->add_channel("everyone", channel, host->executor());
  services.pipeline->start();

  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 20; ++i) {
    sdk::PublishRequest request;
    request.notification.user = "alice";
    request.notification.message = "burst " + std::to_string(i);
    services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome outcome) { ids.push_back(outcome.id); });
  }
  REQUIRE(services.run_until([&] { return ids.size() == 20 && !notes.empty() && notes.back() == std::to_string(ids.back()); }));
  CHECK(notes.size() <= 20);
  for (std::size_t i = 1; i < notes.size(); ++i) CHECK(std::stoull(notes[i - 1]) <= std::stoull(notes[i]));
}
