#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "local_bus.hpp"
#include "local_coordination.hpp"
#include "local_ephemeral.hpp"
#include "metrics_registry.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "test_support.hpp"

// What only the local backend promises beyond the coordination contract
// (coordination_contract_test.cpp): its bounds and what files are documents.

using namespace notifyd;
using namespace std::chrono_literals;

TEST_CASE("local ephemeral keys refuse what they cannot hold, and stay bounded") {
  core::LocalEphemeral ephemeral(3);
  CHECK_FALSE(ephemeral.put("", "x", 1h).ok);
  CHECK_FALSE(ephemeral.put("k", "x", 0ms).ok);
  CHECK_FALSE(ephemeral.put(std::string(1025, 'k'), "x", 1h).ok);
  CHECK_FALSE(ephemeral.put("k", std::string(64 * 1024 + 1, 'v'), 1h).ok);
  CHECK_FALSE(ephemeral.count("k", 0ms).ok());

  REQUIRE(ephemeral.put("a", "1", 1h).ok);
  REQUIRE(ephemeral.put("b", "2", 1h).ok);
  REQUIRE(ephemeral.put("c", "3", 50ms).ok);
  const auto full = ephemeral.put("d", "4", 1h);
  CHECK_FALSE(full.ok);
  CHECK(full.message == "too many ephemeral keys (3)");
  CHECK(ephemeral.put("a", "replaced", 1h).ok);  // a key already held is no new entry
  std::this_thread::sleep_for(60ms);             // the 50 ms key's time to live
  CHECK(ephemeral.put("d", "4", 1h).ok);         // the expired key was swept to make room
  CHECK(ephemeral.get("d").value() == std::optional<std::string>("4"));
}

TEST_CASE("local ephemeral keys and counters carry over to the next coordination, once") {
  test::TempDir dir;
  {
    core::LocalCoordination first(dir.path(), {}, "", 10s);
    REQUIRE(first.ephemeral().put("session:a", "alice", 1h).ok);
    REQUIRE(first.ephemeral().put("session:b", "bob", 1h).ok);
    REQUIRE(first.ephemeral().put("short", "gone", 1ms).ok);
    REQUIRE(first.ephemeral().remove("session:b").ok);
    REQUIRE(first.ephemeral().count("failures", 1h, 3).value() == 3);
    std::this_thread::sleep_for(5ms);  // the 1 ms key's time to live
  }
  {
    core::LocalCoordination second(dir.path(), {}, "", 10s);
    CHECK(second.ephemeral().get("session:a").value() == std::optional<std::string>("alice"));
    CHECK_FALSE(second.ephemeral().get("session:b").value());
    CHECK_FALSE(second.ephemeral().get("short").value());
    CHECK(second.ephemeral().count("failures", 1h).value() == 4);
    // Read once: a crash now would not bring back a key removed meanwhile.
    CHECK_FALSE(second.documents().read("ephemeral.json").value());
    REQUIRE(second.ephemeral().take("session:a").value());
  }
  core::LocalCoordination third(dir.path(), {}, "", 10s);
  CHECK_FALSE(third.ephemeral().get("session:a").value());
}

TEST_CASE("local ephemeral keys: a damaged ephemeral.json is reported and removed") {
  test::TempDir dir;
  std::ofstream(dir.path() / "ephemeral.json") << "not json";
  testing::FakeLogger log;
  core::LocalCoordination coordination(dir.path(), {}, "", 10s, &log);
  CHECK(log.contains("ephemeral.json in the data directory is not a snapshot of ephemeral keys; starting without them"));
  CHECK_FALSE(coordination.documents().read("ephemeral.json").value());
}

TEST_CASE("local ephemeral keys: a damaged snapshot restores nothing") {
  core::LocalEphemeral ephemeral;
  CHECK_FALSE(ephemeral.restore("not json"));
  CHECK_FALSE(ephemeral.restore(R"({"version":2,"keys":[],"counters":[]})"));
  CHECK(ephemeral.restore(R"({"version":1,"keys":[{"key":"","value":"x","expires_ms":99999999999999},)"
                          R"({"key":"k","value":1,"expires_ms":99999999999999}],"counters":[{"key":"c"}]})"));
  CHECK_FALSE(ephemeral.get("k").value());
  CHECK(ephemeral.count("c", 1h).value() == 1);
}

TEST_CASE("a local ring's note is cut at 1,000 bytes") {
  boost::asio::io_context io;
  core::LocalBus bus;
  std::string heard;
  auto listening = bus.listen("t", io.get_executor(), [&](std::string note) { heard = std::move(note); });
  bus.ring("t", std::string(1500, 'n'));
  io.run();
  CHECK(heard == std::string(1000, 'n'));
}

TEST_CASE("local documents: lock and temp files are no documents to a watch; a released fence writes nothing") {
  test::TempDir dir;
  core::LocalCoordination coordination(dir.path(), {}, "", 10s);
  CHECK(coordination.host_group() == core::this_host_name());
  CHECK(coordination.replica() == core::this_host_name() + ":" + std::to_string(::getpid()));
  auto& documents = coordination.documents();

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });
  std::mutex mutex;
  std::vector<std::string> heard;
  auto watch = documents.watch("shared/", io.get_executor(), [&](std::string name) {
    std::lock_guard lock(mutex);
    heard.push_back(std::move(name));
  });
  dir.write("shared/.users.json.tmp123", "partial");
  dir.write("shared/users.json.lock", "");
  dir.write("shared/users.json", "{}");
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  const auto heard_users = [&] {
    std::lock_guard lock(mutex);
    return std::find(heard.begin(), heard.end(), "shared/users.json") != heard.end();
  };
  while (!heard_users() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  REQUIRE(heard_users());
  {
    std::lock_guard lock(mutex);
    CHECK(heard == std::vector<std::string>{"shared/users.json"});
  }

  auto lease = coordination.campaign("writer", io.get_executor(), {});
  REQUIRE(lease->held());
  const auto fence = lease->fence();
  CHECK(documents.write_if("shared/fenced.json", "1", 0, fence).value().outcome == sdk::WriteOutcome::written);
  lease->release();
  CHECK(documents.write_if("shared/fenced.json", std::nullopt, sdk::DocumentStore::any_version, fence).value().outcome ==
        sdk::WriteOutcome::fenced);
  CHECK(documents.read("shared/fenced.json").value() == std::optional<std::string>("1"));

  watch.reset();
  work.reset();
  loop.join();
}

TEST_CASE("local coordination counts lease changes and refused fenced writes, and shows one replica leading all") {
  test::TempDir dir;
  core::MetricsRegistry metrics;
  core::LocalCoordination coordination(dir.path(), {}, "group-1", 10s, nullptr, &metrics, "https://here");
  boost::asio::io_context io;
  const auto series = [&](const std::string& change) {
    return "notifyd_lease_changes_total{lease=\"channel/bot\",change=\"" + change + "\"} ";
  };
  const auto count = [&](const std::string& change) {
    const auto text = metrics.render();
    const auto at = text.find(series(change));
    return at == std::string::npos ? std::string("absent")
                                   : text.substr(at + series(change).size(), text.find('\n', at) - at - series(change).size());
  };

  auto first = coordination.campaign("channel/bot", io.get_executor(), {});
  auto second = coordination.campaign("channel/bot", io.get_executor(), {});
  REQUIRE(first->held());
  io.run();  // the events, which count
  io.restart();
  CHECK(count("acquired") == "1");
  const auto stale = first->fence();

  auto view = coordination.view();
  CHECK(view.backend == "local");
  CHECK(view.replica == coordination.replica());
  CHECK(view.host_group == "group-1");
  CHECK(view.schema_version == 0u);
  CHECK(view.connections.empty());
  REQUIRE(view.replicas.size() == 1);
  CHECK(view.replicas[0].name == coordination.replica());
  CHECK(view.replicas[0].self);
  CHECK(view.replicas[0].address == "https://here");
  CHECK(view.replicas[0].pid == static_cast<std::uint64_t>(::getpid()));
  REQUIRE(view.leases.size() == 1);
  CHECK(view.leases[0].name == "channel/bot");
  CHECK(view.leases[0].holder == coordination.replica());
  CHECK(view.leases[0].epoch == stale.epoch);
  CHECK(view.leases[0].expires_at_ms == 0);
  CHECK(metrics.render().find("notifyd_replicas 1\n") != std::string::npos);

  first->release();  // handed to the second campaign at once
  io.run();
  CHECK(count("released") == "1");
  CHECK(count("acquired") == "2");
  CHECK(count("lost") == "0");
  CHECK(coordination.view().leases.at(0).epoch == stale.epoch + 1);

  const auto refused = coordination.documents().write_if("bot.json", "{}", 0, stale);
  REQUIRE(refused.ok());
  CHECK(refused.value().outcome == sdk::WriteOutcome::fenced);
  CHECK(metrics.render().find("notifyd_fenced_writes_total 1\n") != std::string::npos);

  second.reset();  // destroyed while holding: a release too
  CHECK(count("released") == "2");
  CHECK(coordination.view().leases.empty());
}
