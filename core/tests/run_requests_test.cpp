#include <catch2/catch.hpp>

#include "check_catalogue.hpp"
#include "check_runner.hpp"
#include "notifyd/sdk/json.hpp"
#include "scripted_channel.hpp"
#include "test_support.hpp"

using namespace notifyd;

namespace {

/// One replica's view of coordination shared with others in this process:
/// its own name and host group, the shared keys, documents and doorbells,
/// and the live replicas the test says.
class ReplicaCoordination final : public sdk::Coordination {
 public:
  ReplicaCoordination(sdk::Coordination& shared, std::string replica, std::string group,
                      std::vector<sdk::ReplicaView>& alive)
      : shared_(shared), replica_(std::move(replica)), group_(std::move(group)), alive_(alive) {}
  std::string_view backend() const noexcept override { return "test"; }
  const std::string& replica() const noexcept override { return replica_; }
  const std::string& host_group() const noexcept override { return group_; }
  sdk::DocumentStore& documents() noexcept override { return shared_.documents(); }
  sdk::Ephemeral& ephemeral() noexcept override { return shared_.ephemeral(); }
  sdk::Bus& bus() noexcept override { return shared_.bus(); }
  std::chrono::milliseconds lease_ttl() const noexcept override { return shared_.lease_ttl(); }
  std::unique_ptr<sdk::Lease> campaign(std::string name, boost::asio::any_io_executor executor,
                                       sdk::LeaseEvents events) noexcept override {
    return shared_.campaign(std::move(name), std::move(executor), std::move(events));
  }
  bool holds(const sdk::Fence& fence) const noexcept override { return shared_.holds(fence); }
  sdk::ClusterView view() const noexcept override {
    sdk::ClusterView view;
    view.replicas = alive_;
    for (auto& replica : view.replicas) replica.self = replica.name == replica_;
    return view;
  }

 private:
  sdk::Coordination& shared_;
  std::string replica_;
  std::string group_;
  std::vector<sdk::ReplicaView>& alive_;
};

/// Offers root's `report`, which notifies and writes to stderr; counts its executions.
class ReportProvider final : public sdk::CheckProvider {
 public:
  std::vector<sdk::CheckDefinition> list_checks() noexcept override {
    sdk::CheckDefinition definition;
    definition.name = "report";
    definition.user = "root";
    definition.timeout = std::chrono::seconds(5);
    return {definition};
  }
  void execute(const sdk::CheckDefinition&, std::uint64_t, std::function<void(sdk::CheckExecution)> done) noexcept override {
    ++started;
    sdk::CheckExecution execution;
    execution.output = R"({"notify": true, "title": "Report", "message": "ready"})";
    execution.stderr_tail = "from the other group";
    done(std::move(execution));
  }
  std::atomic<int> started = 0;
};

struct TwoGroups {
  TwoGroups() {
    services.check_settings.max_concurrent = 2;
    host = services.host("bot", sdk::Kind::channel);
    services.pipeline->add_channel("bot", channel, host->executor());
    services.pipeline->start();
    alive = {{"a:1", "group-a", "", "", 1, 0, false}, {"b:2", "group-b", "", "", 2, 0, false}};
    a.add_provider("scripts", provider);
    a.share();
    b.share();
  }
  ~TwoGroups() {
    a.stop();
    b.stop();
    services.run_until([] { return false; }, std::chrono::milliseconds(100));
  }
  std::optional<core::RunResult> ask_b(const std::string& check) {
    std::optional<core::RunResult> result;
    b.run("root", check, "manual", [&](core::RunResult r) { result = std::move(r); });
    services.run_until([&] { return result.has_value(); }, std::chrono::seconds(20));
    return result;
  }
  bool catalogued() {
    return services.run_until([&] {
      auto offers = core::CheckCatalogue(shared.documents(), "group-b").offers("root", "report");
      return offers && !offers.value().empty();
    });
  }

  test::TestServices services;
  test::ScriptedChannel channel;
  std::unique_ptr<core::PluginHost> host;
  bool shared_dir = std::filesystem::create_directories(services.data / "shared");
  core::LocalCoordination shared{services.data / "shared", {}, "group-a", std::chrono::milliseconds(600)};
  std::vector<sdk::ReplicaView> alive;
  ReplicaCoordination coordination_a{shared, "a:1", "group-a", alive};
  ReplicaCoordination coordination_b{shared, "b:2", "group-b", alive};
  core::CheckRunner a{services.io.get_executor(), *services.store, *services.pipeline, coordination_a,
                      services.check_settings, services.log, services.metrics};
  core::CheckRunner b{services.io.get_executor(), *services.store, *services.pipeline, coordination_b,
                      services.check_settings, services.log, services.metrics};
  ReportProvider provider;
};

}  // namespace

TEST_CASE("the catalogue lists each host group's checks, and a group's entry changes only with its checks") {
  test::TestServices services;
  core::CheckCatalogue one(services.documents, "group-1");
  core::CheckCatalogue two(services.documents, "group-2");
  sdk::CheckDefinition disk{"disk", "alice", "", std::chrono::seconds(30), "", ""};
  sdk::CheckDefinition load{"load", "bob", "", std::chrono::seconds(9), "", ""};
  REQUIRE(one.publish({disk, load}).ok);
  REQUIRE(two.publish({disk}).ok);
  const auto stamp = services.documents.stamp(core::CheckCatalogue::document).value();
  REQUIRE(one.publish({load, disk}).ok);
  CHECK(services.documents.stamp(core::CheckCatalogue::document).value() == stamp);

  auto offers = one.offers("alice", "disk");
  REQUIRE(offers.ok());
  REQUIRE(offers.value().size() == 2);
  CHECK(offers.value()[0].host_group == "group-1");
  CHECK(offers.value()[1].host_group == "group-2");
  CHECK(offers.value()[0].timeout == std::chrono::seconds(30));
  REQUIRE(one.publish({disk}).ok);
  CHECK(two.offers("bob", "load").value().empty());
  CHECK(two.offers("alice", "load").value().empty());
}

TEST_CASE("a check of another host group runs once on that group's replica, and the asker gets its record") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  auto result = f.ask_b("report");
  REQUIRE(result.has_value());
  REQUIRE(result->ok());
  const auto& run = result->value();
  CHECK(run.outcome == "notified");
  CHECK(run.trigger == "manual");
  CHECK(run.exit_code == 0);
  CHECK(run.stderr_tail == "from the other group");
  CHECK(run.notification_id > 0);
  CHECK_THAT(run.detail, Catch::StartsWith("notification " + std::to_string(run.notification_id) + " queued for "));
  CHECK(f.provider.started == 1);
  auto history = f.services.store->runs("root", "report", 10);
  REQUIRE(history.ok());
  REQUIRE(history.value().size() == 1);
  CHECK(history.value()[0].id == run.id);
}

TEST_CASE("a run asked of a host group with no live replica fails at once, naming the group") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  f.alive.erase(f.alive.begin());
  std::optional<core::RunResult> result;
  f.b.run("root", "report", "manual", [&](core::RunResult r) { result = std::move(r); });
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->ok());
  CHECK(result->refusal().message == "report of root runs in host group \"group-a\", where no replica is running now");
  CHECK(result->refusal().kind == core::RunRefusal::Kind::group_not_running);
  CHECK(f.provider.started == 0);

  auto unknown = f.ask_b("nowhere");
  REQUIRE(unknown.has_value());
  CHECK(unknown->refusal().message == "no check named \"nowhere\" for root in any host group");
  CHECK(unknown->refusal().kind == core::RunRefusal::Kind::no_such_check);
}

TEST_CASE("a request nobody claims fails after the claim window, and is not run later") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  f.a.stop();  // group-a's replica still shows as alive, but claims nothing
  f.services.run_until([] { return false; }, std::chrono::milliseconds(100));
  const auto asked = std::chrono::steady_clock::now();
  auto result = f.ask_b("report");
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->ok());
  CHECK_THAT(result->refusal().message,
             Catch::StartsWith("no replica of host group \"group-a\" took the run of report of root within"));
  CHECK(result->refusal().kind == core::RunRefusal::Kind::not_claimed);
  CHECK(std::chrono::steady_clock::now() - asked >= std::chrono::seconds(2));
  CHECK(f.provider.started == 0);
}

TEST_CASE("a claimer that stops answering: the asker hears so, and the request is not run again") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  f.a.stop();
  // A claimer that takes the request and dies before it answers.
  std::string claimed;
  auto heard = f.shared.bus().listen("check-request/group-a", f.services.io.get_executor(), [&](std::string id) {
    auto taken = f.shared.ephemeral().take("check-request/group-a/" + id);
    if (!taken.value()) return;
    claimed = id;
    REQUIRE(f.shared.ephemeral().put("check-claim/" + id, "a:1", f.shared.lease_ttl()).ok);
  });
  auto result = f.ask_b("report");
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->ok());
  CHECK_FALSE(claimed.empty());
  CHECK(result->refusal().message ==
        "the run of report of root was taken by a:1 (host group \"group-a\"), which stopped before answering; it is "
        "not run again");
  CHECK(result->refusal().kind == core::RunRefusal::Kind::claimer_stopped);
  CHECK_FALSE(f.shared.ephemeral().get("check-request/group-a/" + claimed).value().has_value());
  CHECK(f.provider.started == 0);
}

TEST_CASE("the claimer's refusal comes back with its kind; an answer of a kind unknown here is a failure") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  f.a.stop();
  // A claimer that answers each request with the next of these.
  std::vector<std::string> answers{R"({"error":"notifyd is stopping","refusal":"stopping"})",
                                   R"({"error":"no check named \"report\" for root in host group \"group-a\"",)"
                                   R"("refusal":"no_such_check"})",
                                   R"({"error":"something new","refusal":"a_kind_from_a_later_version"})",
                                   R"({"error":"from an earlier version"})", R"({"neither":1})"};
  std::size_t next = 0;
  auto heard = f.shared.bus().listen("check-request/group-a", f.services.io.get_executor(), [&](std::string id) {
    auto taken = f.shared.ephemeral().take("check-request/group-a/" + id);
    if (!taken.value()) return;
    REQUIRE(f.shared.ephemeral().put("check-answer/" + id, answers.at(next++), std::chrono::minutes(1)).ok);
    f.shared.bus().ring("check-answer/b:2", id);
  });
  using Kind = core::RunRefusal::Kind;
  const std::vector<std::pair<Kind, std::string>> expected{
      {Kind::stopping, "notifyd is stopping"},
      {Kind::no_such_check, "no check named \"report\" for root in host group \"group-a\""},
      {Kind::failed, "something new"},
      {Kind::failed, "from an earlier version"},
      {Kind::bad_answer, "unreadable answer: no run and no error"}};
  for (const auto& [kind, message] : expected) {
    auto result = f.ask_b("report");
    REQUIRE(result.has_value());
    REQUIRE_FALSE(result->ok());
    CHECK(result->refusal().kind == kind);
    CHECK(result->refusal().message == message);
  }
  CHECK(f.provider.started == 0);
}

TEST_CASE("every replica lists the checks only other host groups have, marked with the group and whether it runs") {
  TwoGroups f;
  REQUIRE(f.catalogued());
  const auto listed = f.b.checks("root");
  REQUIRE(listed.size() == 1);
  const auto& report = listed[0];
  CHECK(report.definition.name == "report");
  CHECK(report.definition.user == "root");
  CHECK(report.definition.timeout == std::chrono::seconds(5));
  CHECK(report.definition.provider.empty());
  CHECK(report.host_group == "group-a");
  CHECK(report.elsewhere);
  CHECK(report.group_running);
  CHECK_FALSE(report.last_run);
  CHECK(f.b.checks("alice").empty());
  CHECK(f.b.checks("").size() == 1);

  // The group's own replica lists it as its own.
  const auto own = f.a.checks("root");
  REQUIRE(own.size() == 1);
  CHECK(own[0].host_group == "group-a");
  CHECK_FALSE(own[0].elsewhere);
  CHECK(own[0].definition.provider == "scripts");

  // Its last run is read from the shared store, wherever it ran.
  auto ran = f.ask_b("report");
  REQUIRE(ran.has_value());
  REQUIRE(ran->ok());
  const auto after = f.b.checks("root");
  REQUIRE(after.at(0).last_run.has_value());
  CHECK(after[0].last_run->id == ran->value().id);

  f.alive.erase(f.alive.begin());
  const auto orphaned = f.b.checks("root");
  REQUIRE(orphaned.size() == 1);
  CHECK_FALSE(orphaned[0].group_running);
  CHECK(orphaned[0].host_group == "group-a");
}
