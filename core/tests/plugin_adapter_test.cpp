#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <optional>
#include <stdexcept>

#include "notifyd/sdk/plugin_descriptor.hpp"
#include "notifyd/testing/fake_host.hpp"

using namespace notifyd;

namespace {

// Which member of the plugins below throws, and what.
struct Faults {
  bool configure = false;
  bool start = false;
  bool stop_before_done = false;
  bool stop_after_done = false;
  bool reaches = false;
  bool reason = false;
  bool condition = false;
  bool deliver_before_done = false;
  bool deliver_after_done = false;
  bool deliver_not_std = false;
  bool run = false;
  bool placement = false;
  bool lead = false;
  bool follow = false;
};
Faults faults;

struct Throws : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class PlainChannel {
 public:
  explicit PlainChannel(sdk::Host&) {}
  static void describe(sdk::ConfigSchema&) {}

  sdk::Status configure() {
    if (faults.configure) throw Throws("configure broke");
    return sdk::Status::success();
  }
  void start() {
    if (faults.start) throw Throws("start broke");
  }
  void stop(std::function<void()> done) {
    if (faults.stop_before_done) throw Throws("stop broke");
    done();
    if (faults.stop_after_done) throw Throws("stop broke late");
  }
  bool reaches(std::string_view user) const {
    if (faults.reaches) throw Throws("reaches broke");
    return user == "alice";
  }
  std::string unreachable_reason(std::string_view) const {
    if (faults.reason) throw Throws("reason broke");
    return "blocked";
  }
  sdk::ChannelCondition condition() const {
    if (faults.condition) throw Throws("condition broke");
    return {"ok", "", {}};
  }
  sdk::Placement placement() const {
    if (faults.placement) throw Throws("placement broke");
    return sdk::Placement::one_replica;
  }
  void lead(sdk::Fence fence) {
    if (faults.lead) throw Throws("lead broke");
    told.push_back("lead " + fence.lease + " " + std::to_string(fence.epoch));
  }
  void follow() {
    if (faults.follow) throw Throws("follow broke");
    told.push_back("follow");
  }
  static inline std::vector<std::string> told;  ///< what lead and follow heard
  void deliver(sdk::Delivery, std::function<void(sdk::DeliveryResult)> done) {
    if (faults.deliver_not_std) throw 42;
    if (faults.deliver_before_done) throw Throws("deliver broke");
    done(sdk::DeliveryResult::ok());
    if (faults.deliver_after_done) throw Throws("deliver broke late");
  }
};

class PlainCheck {
 public:
  explicit PlainCheck(sdk::Host&) {}
  static void describe(sdk::ConfigSchema&) {}
  sdk::CheckResult run(const sdk::CheckContext&) {
    if (faults.run) throw Throws("run broke");
    sdk::CheckResult result;
    result.notify = true;
    return result;
  }
};

class PlainTrigger {
 public:
  explicit PlainTrigger(sdk::Host&) {}
  static void describe(sdk::ConfigSchema&) {}
};

class ThrowingConstructor {
 public:
  explicit ThrowingConstructor(sdk::Host&) { throw Throws("cannot build"); }
  static void describe(sdk::ConfigSchema&) {}
};

constexpr auto channel_descriptor = sdk::make_descriptor<PlainChannel, sdk::Kind::channel>("plain_channel");
constexpr auto check_descriptor = sdk::make_descriptor<PlainCheck, sdk::Kind::check>("plain_check");
constexpr auto trigger_descriptor = sdk::make_descriptor<PlainTrigger, sdk::Kind::trigger>("plain_trigger");
constexpr auto throwing_descriptor =
    sdk::make_descriptor<ThrowingConstructor, sdk::Kind::trigger>("throwing_constructor");

// One plugin made through its descriptor, as the host makes it.
struct Created {
  explicit Created(const sdk::PluginDescriptor& descriptor)
      : descriptor(descriptor), host(io, sdk::PluginConfig{}, descriptor.kind, "test") {
    faults = {};
    std::string error;
    plugin = descriptor.create(host, error);
    REQUIRE(plugin != nullptr);
  }
  ~Created() { descriptor.destroy(plugin); }

  const sdk::PluginDescriptor& descriptor;
  boost::asio::io_context io;
  testing::FakeHost<> host;
  sdk::Plugin* plugin = nullptr;
};

std::vector<sdk::DeliveryResult> deliver(sdk::Channel& channel) {
  std::vector<sdk::DeliveryResult> results;
  channel.deliver(sdk::Delivery{std::make_shared<sdk::Notification>()},
                  [&](sdk::DeliveryResult result) { results.push_back(std::move(result)); });
  return results;
}

}  // namespace

TEST_CASE("a plugin class with ordinary members is exported through the adapter") {
  Created created(channel_descriptor);
  auto* channel = created.plugin->as_channel();
  REQUIRE(channel != nullptr);
  CHECK(channel->configure());
  CHECK(channel->start());
  CHECK(channel->reaches("alice"));
  CHECK_FALSE(channel->reaches("bob"));
  CHECK(channel->unreachable_reason("bob") == "blocked");
  CHECK(channel->condition().state == "ok");
  const auto results = deliver(*channel);
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == sdk::DeliveryResult::Outcome::delivered);
  int stopped = 0;
  channel->stop([&] { ++stopped; });
  CHECK(stopped == 1);
  CHECK(created.host.logger.lines().empty());
}

TEST_CASE("an exception in configure or start is a failed Status with its message, logged") {
  Created created(channel_descriptor);
  faults.configure = true;
  const auto configured = created.plugin->configure();
  CHECK_FALSE(configured.ok);
  CHECK(configured.message == "configure broke");
  faults.start = true;
  const auto started = created.plugin->start();
  CHECK_FALSE(started.ok);
  CHECK(started.message == "start broke");
  CHECK(created.host.logger.contains("configure failed: configure broke"));
  CHECK(created.host.logger.contains("start failed: start broke"));
}

TEST_CASE("an exception in stop still calls done, exactly once") {
  Created created(channel_descriptor);
  int stopped = 0;
  faults.stop_before_done = true;
  created.plugin->stop([&] { ++stopped; });
  CHECK(stopped == 1);
  faults = {};
  faults.stop_after_done = true;
  created.plugin->stop([&] { ++stopped; });
  CHECK(stopped == 2);
  CHECK(created.host.logger.contains("stop failed: stop broke"));
  CHECK(created.host.logger.contains("stop failed: stop broke late"));
}

TEST_CASE("an exception in deliver is a retry carrying the message, and done is called once") {
  Created created(channel_descriptor);
  auto& channel = *created.plugin->as_channel();

  faults.deliver_before_done = true;
  auto results = deliver(channel);
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == sdk::DeliveryResult::Outcome::retry);
  CHECK(results[0].error == "deliver broke");

  faults = {};
  faults.deliver_after_done = true;
  results = deliver(channel);
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == sdk::DeliveryResult::Outcome::delivered);

  faults = {};
  faults.deliver_not_std = true;
  results = deliver(channel);
  REQUIRE(results.size() == 1);
  CHECK(results[0].outcome == sdk::DeliveryResult::Outcome::retry);
  CHECK(results[0].error == "an exception that is not a std::exception");
  CHECK(created.host.logger.contains("deliver failed: deliver broke"));
  CHECK(created.host.logger.contains("deliver failed: deliver broke late"));
}

TEST_CASE("an exception in the channel's queries reads as not reached and nothing to say") {
  Created created(channel_descriptor);
  auto& channel = *created.plugin->as_channel();
  faults.reaches = faults.reason = faults.condition = true;
  CHECK_FALSE(channel.reaches("alice"));
  CHECK(channel.unreachable_reason("bob").empty());
  CHECK(channel.condition().state.empty());
  CHECK(created.host.logger.contains("reaches failed: reaches broke"));
  CHECK(created.host.logger.contains("unreachable_reason failed: reason broke"));
  CHECK(created.host.logger.contains("condition failed: condition broke"));
}

TEST_CASE("a channel's placement, lead and follow reach the class; a throw is logged, placement then every_replica") {
  Created created(channel_descriptor);
  auto& channel = *created.plugin->as_channel();
  PlainChannel::told.clear();
  CHECK(channel.placement() == sdk::Placement::one_replica);
  channel.lead(sdk::Fence{"channel/test", "host:1", 3});
  channel.follow();
  CHECK(PlainChannel::told == std::vector<std::string>{"lead channel/test 3", "follow"});
  faults.placement = faults.lead = faults.follow = true;
  CHECK(channel.placement() == sdk::Placement::every_replica);
  channel.lead(sdk::Fence{"channel/test", "host:1", 4});
  channel.follow();
  CHECK(PlainChannel::told.size() == 2);
  CHECK(created.host.logger.contains("placement failed: placement broke"));
  CHECK(created.host.logger.contains("lead failed: lead broke"));
  CHECK(created.host.logger.contains("follow failed: follow broke"));
}

TEST_CASE("a channel that leaves placement out is every_replica, and lead and follow do nothing") {
  boost::asio::io_context io;
  testing::FakeHost<> host(io, sdk::PluginConfig{}, sdk::Kind::channel, "test");
  struct Minimal {
    explicit Minimal(sdk::Host&) {}
    static void describe(sdk::ConfigSchema&) {}
    bool reaches(std::string_view) const { return true; }
    void deliver(sdk::Delivery, std::function<void(sdk::DeliveryResult)> done) { done(sdk::DeliveryResult::ok()); }
  };
  sdk::PluginAdapter<Minimal, sdk::Kind::channel> channel(host);
  CHECK(channel.placement() == sdk::Placement::every_replica);
  channel.lead(sdk::Fence{"channel/test", "host:1", 1});
  channel.follow();
  CHECK(host.logger.lines().empty());
}

TEST_CASE("a check's run that throws is a failed run with the message") {
  Created created(check_descriptor);
  auto* check = created.plugin->as_check();
  REQUIRE(check != nullptr);
  auto ran = check->run(sdk::CheckContext{});
  REQUIRE(ran.ok());
  CHECK(ran->notify);
  faults.run = true;
  ran = check->run(sdk::CheckContext{});
  CHECK_FALSE(ran.ok());
  CHECK(ran.error() == "run broke");
  CHECK(created.host.logger.contains("run failed: run broke"));
}

TEST_CASE("members a plugin leaves out do nothing, successfully") {
  Created created(trigger_descriptor);
  REQUIRE(created.plugin->as_trigger() != nullptr);
  CHECK(created.plugin->configure());
  CHECK(created.plugin->start());
  bool stopped = false;
  created.plugin->stop([&] { stopped = true; });
  CHECK(stopped);
}

TEST_CASE("a constructor that throws is create's error, not a crash") {
  boost::asio::io_context io;
  testing::FakeHost<> host(io, sdk::PluginConfig{}, sdk::Kind::trigger, "test");
  std::string error;
  CHECK(throwing_descriptor.create(host, error) == nullptr);
  CHECK(error == "cannot build");
}
