#include <catch2/catch.hpp>

#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;
using test::ScriptedChannel;
using test::TestServices;

namespace {

sdk::PublishOutcome publish_to(TestServices& services, const std::string& user) {
  sdk::PublishOutcome result;
  bool done = false;
  sdk::PublishRequest request;
  request.notification.user = user;
  request.notification.message = "hello";
  services.pipeline->publish(std::move(request), [&](sdk::PublishOutcome outcome) {
    result = std::move(outcome);
    done = true;
  });
  REQUIRE(services.run_until([&] { return done; }));
  return result;
}

}  // namespace

TEST_CASE("recipients = system: a user this machine does not know is refused as not reachable") {
  TestServices services(core::PipelineSettings{});
  ScriptedChannel channel;
  auto host = services.host("everyone", sdk::Kind::channel);
  services.pipeline->add_channel("everyone", channel, host->executor());
  services.pipeline->start();

  const auto unknown = publish_to(services, "no_such_user_x7");
  CHECK(unknown.code == sdk::PublishOutcome::Code::not_linked);
  CHECK(unknown.message == "no user \"no_such_user_x7\" on this machine");
  CHECK(publish_to(services, "root").code == sdk::PublishOutcome::Code::accepted);
}

TEST_CASE("recipients = any: a well-formed name is enough") {
  TestServices services(test::made_up_recipients());
  ScriptedChannel channel;
  auto host = services.host("everyone", sdk::Kind::channel);
  services.pipeline->add_channel("everyone", channel, host->executor());
  services.pipeline->start();

  CHECK(publish_to(services, "no_such_user_x7").code == sdk::PublishOutcome::Code::accepted);
}
