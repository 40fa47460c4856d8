// The PostgreSQL coordination against a real server (the `postgres` fixture):
// what only a shared database shows — several replicas (each its own
// PgCoordination and io thread) on one database, versions that commit in
// order, doorbells that get lost, connections that break.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "metrics_registry.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "pg_coordination.hpp"
#include "pg_session.hpp"
#include "pg_test_support.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using test::Loop;
using test::TestDatabase;
using Clock = std::chrono::steady_clock;

namespace {

/// One replica: its own io thread and coordination on the test's database.
struct Replica {
  Replica(const std::string& dsn, std::string name, std::chrono::milliseconds ttl = 1500ms)
      : coordination(loop.io.get_executor(),
                     core::PgCoordinationSettings{dsn, std::move(name), "group-1", ttl, "/tmp", 4, 5000ms, ""}, log) {
    const auto opened = coordination.open();
    INFO(opened.message);
    REQUIRE(opened);
    REQUIRE(coordination.wait_listening(30s));
  }
  testing::FakeLogger log;
  Loop loop;
  core::PgCoordination coordination;
};

/// What callbacks reported, with when, for a test thread to wait on.
class Events {
 public:
  void add(std::string what) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back({std::move(what), Clock::now()});
    }
    changed_.notify_all();
  }
  /// Waits until some event equals `what` (starts with it, for `prefix`); when the first happened.
  std::optional<Clock::time_point> wait_for(const std::string& what, std::chrono::milliseconds timeout = 20s,
                                            bool prefix = false) {
    std::unique_lock lock(mutex_);
    std::optional<Clock::time_point> at;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& [event, when] : events_) {
        if (event == what || (prefix && event.starts_with(what))) {
          at = when;
          break;
        }
      }
      return at.has_value();
    });
    return at;
  }
  int count(const std::string& what) const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(events_.begin(), events_.end(), [&](const auto& e) { return e.first == what; }));
  }
  std::vector<std::string> all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& event : events_) out.push_back(event.first);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::string, Clock::time_point>> events_;
};

sdk::LeaseEvents recorded(Events& events, const std::string& who) {
  return {[&events, who](sdk::Fence fence) { events.add(who + " acquired " + std::to_string(fence.epoch)); },
          [&events, who] { events.add(who + " lost"); }};
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
  const auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

std::string sql_value(core::PgSession& session, const std::string& sql, const std::vector<core::PgParam>& params = {}) {
  auto answer = session.exec(sql, params);
  INFO(answer.error());
  REQUIRE(answer.ok());
  REQUIRE_FALSE(answer.value().rows.empty());
  return answer.value().rows.at(0).at(0).value_or("NULL");
}

}  // namespace

TEST_CASE("postgres documents: versions grow with every change, a removal keeps its row, names are checked") {
  Loop loop;
  TestDatabase database(loop);
  Replica replica(database.dsn(), "a");
  auto& documents = replica.coordination.documents();

  CHECK(documents.read("telegram_users.json").value() == std::nullopt);
  CHECK(documents.read_versioned("telegram_users.json").value().version == 0);
  REQUIRE(documents.write("telegram_users.json", std::string("{\"alice\":1}\0bytes", 17)));
  const auto first = documents.read_versioned("telegram_users.json").value();
  CHECK(first.content == std::string("{\"alice\":1}\0bytes", 17));
  CHECK(first.version > 0);
  const auto stamp = documents.stamp("telegram_users.json").value();
  CHECK(stamp.exists);
  CHECK(stamp.identity == first.version);
  CHECK(stamp.size == 17);
  // The same name however it is spelt.
  CHECK(documents.read("./telegram_users.json").value() == first.content);

  REQUIRE(documents.write("telegram_users.json", "{}"));
  const auto second = documents.read_versioned("telegram_users.json").value();
  CHECK(second.version > first.version);
  CHECK(documents.stamp("telegram_users.json").value() != stamp);

  REQUIRE(documents.remove("telegram_users.json"));
  CHECK(documents.read_versioned("telegram_users.json").value().version == 0);
  CHECK_FALSE(documents.stamp("telegram_users.json").value().exists);
  REQUIRE(documents.remove("telegram_users.json"));
  core::PgSession session(database.dsn());
  CHECK(sql_value(session, "SELECT count(*) FROM documents WHERE name = 'telegram_users.json' AND content IS NULL") == "1");

  CHECK(documents.write("../escape.json", "x").message ==
        "document name must stay inside the data directory: \"../escape.json\"");
  CHECK(documents.write("/etc/passwd", "x").message == "document name must be a relative path: \"/etc/passwd\"");
  CHECK_FALSE(documents.read("").ok());
}

TEST_CASE("postgres documents: write_if compares versions, update serialises read-merge-write across replicas") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a");
  Replica b(database.dsn(), "b");

  auto created = a.coordination.documents().write_if("cron_state.json", std::string_view("1"), 0);
  REQUIRE(created.ok());
  CHECK(created.value().outcome == sdk::WriteOutcome::written);
  const auto version = created.value().version;
  auto again = b.coordination.documents().write_if("cron_state.json", std::string_view("2"), 0);
  CHECK(again.value().outcome == sdk::WriteOutcome::changed);
  CHECK(again.value().version == version);
  auto next = b.coordination.documents().write_if("cron_state.json", std::string_view("2"), version);
  CHECK(next.value().outcome == sdk::WriteOutcome::written);
  CHECK(a.coordination.documents().read("cron_state.json").value() == "2");
  auto removed = a.coordination.documents().write_if("cron_state.json", std::nullopt, next.value().version);
  CHECK(removed.value().outcome == sdk::WriteOutcome::written);
  CHECK(removed.value().version == 0);

  // 4 threads on each replica add one each, 25 times: no increment is lost.
  std::vector<std::thread> threads;
  for (auto* replica : {&a, &b}) {
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([replica] {
        for (int i = 0; i < 25; ++i) {
          auto updated = replica->coordination.documents().update(
              "counter", [](const std::optional<std::string>& current) -> sdk::Result<std::optional<std::string>> {
                return std::optional<std::string>(std::to_string(std::stoi(current.value_or("0")) + 1));
              });
          REQUIRE(updated.ok());
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  CHECK(a.coordination.documents().read("counter").value() == "200");

  // A failing change leaves the document as it was.
  auto refused = a.coordination.documents().update(
      "counter", [](const std::optional<std::string>&) -> sdk::Result<std::optional<std::string>> {
        return sdk::Result<std::optional<std::string>>::failure("no thanks");
      });
  CHECK(refused.error() == "no thanks");
  CHECK(b.coordination.documents().read("counter").value() == "200");
}

TEST_CASE("postgres documents: a watch hears other replicas' changes, and a change without a doorbell within seconds") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a");
  Replica b(database.dsn(), "b");
  Events events;
  auto watch = a.coordination.documents().watch("links/", a.loop.io.get_executor(),
                                                [&](std::string name) { events.add(name); });
  auto other = a.coordination.documents().watch("other/", a.loop.io.get_executor(),
                                                [&](std::string name) { events.add("other " + name); });

  REQUIRE(b.coordination.documents().write("links/alice.json", "1"));
  CHECK(events.wait_for("links/alice.json"));
  REQUIRE(b.coordination.documents().remove("links/alice.json"));
  CHECK(eventually([&] { return events.count("links/alice.json") == 2; }));

  // A writer that rings no doorbell (as a lost NOTIFY): the cursor finds it.
  core::PgSession session(database.dsn());
  REQUIRE(session.exec("INSERT INTO documents(name, content, version) VALUES ('links/bob.json', '\\x31', "
                       "nextval('document_versions'))")
              .ok());
  const auto start = Clock::now();
  const auto heard = events.wait_for("links/bob.json", 10s);
  REQUIRE(heard);
  CHECK(*heard - start < 3s);

  watch.reset();
  REQUIRE(b.coordination.documents().write("links/carol.json", "1"));
  REQUIRE(b.coordination.documents().write("other/x", "1"));
  CHECK(events.wait_for("other other/x"));
  CHECK(events.count("links/carol.json") == 0);
}

TEST_CASE("postgres ephemeral: expiry by the database's clock, put_if_absent, counters per window") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a");
  Replica b(database.dsn(), "b");
  auto& ephemeral = a.coordination.ephemeral();

  REQUIRE(ephemeral.put("webui.session.1", std::string("bytes\0here", 10), 60s));
  CHECK(b.coordination.ephemeral().get("webui.session.1").value() == std::string("bytes\0here", 10));
  CHECK(ephemeral.put_if_absent("webui.session.1", "other", 60s).value() == false);
  REQUIRE(ephemeral.put("short", "x", 200ms));
  CHECK(eventually([&] { return ephemeral.get("short").value() == std::nullopt; }, 10s));
  CHECK(ephemeral.take("short").value() == std::nullopt);
  CHECK(ephemeral.put_if_absent("short", "y", 60s).value() == true);
  CHECK(b.coordination.ephemeral().take("short").value() == "y");
  CHECK(ephemeral.get("short").value() == std::nullopt);
  REQUIRE(ephemeral.remove("webui.session.1"));
  REQUIRE(ephemeral.remove("webui.session.1"));
  CHECK(ephemeral.get("webui.session.1").value() == std::nullopt);
  CHECK(ephemeral.put("bad", "x", 0ms).message == "an ephemeral key's time to live must be positive");

  // A window long enough that the test stays in one, most likely; if the
  // window turns between two counts the second starts over.
  const auto first = ephemeral.count("failures.alice", 1h);
  const auto second = b.coordination.ephemeral().count("failures.alice", 1h, 2);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK((second.value() == 3 || second.value() == 2));
  CHECK(first.value() == 1);
  CHECK(ephemeral.count("failures.alice", 0ms).error() == "a counter's window must be positive");
  const auto before = ephemeral.count("quick", 300ms).value();
  CHECK(before == 1);
  CHECK(eventually([&] { return ephemeral.count("quick", 300ms).value() == 1; }, 10s));
}

TEST_CASE("postgres ephemeral: 20 threads over two replicas take one key, 100 rounds: exactly one winner each") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a");
  Replica b(database.dsn(), "b");
  for (int round = 0; round < 100; ++round) {
    const std::string key = "code." + std::to_string(round);
    REQUIRE(a.coordination.ephemeral().put(key, "chat " + std::to_string(round), 60s));
    std::atomic<int> winners{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> takers;
    for (int t = 0; t < 20; ++t) {
      takers.emplace_back([&, t] {
        auto& replica = t % 2 ? a : b;
        auto taken = replica.coordination.ephemeral().take(key);
        if (!taken) ++failures;
        else if (taken.value() == "chat " + std::to_string(round)) ++winners;
      });
    }
    for (auto& taker : takers) taker.join();
    REQUIRE(failures == 0);
    REQUIRE(winners == 1);
  }
}

TEST_CASE("postgres bus: a ring reaches every replica, the ringer too; a reset listener hears no more") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a");
  Replica b(database.dsn(), "b");
  Events events;
  auto on_a = a.coordination.bus().listen("outbox:bot", a.loop.io.get_executor(),
                                          [&](std::string note) { events.add("a " + note); });
  auto on_b = b.coordination.bus().listen("outbox:bot", b.loop.io.get_executor(),
                                          [&](std::string note) { events.add("b " + note); });
  auto elsewhere = b.coordination.bus().listen("outbox", b.loop.io.get_executor(),
                                               [&](std::string note) { events.add("wrong topic " + note); });
  // The listeners' connections may still be connecting: ring until heard.
  REQUIRE(eventually([&] {
    a.coordination.bus().ring("outbox:bot", "ding:1");
    return events.wait_for("a ding:1", 200ms) && events.wait_for("b ding:1", 200ms);
  }));
  on_b.reset();
  a.coordination.bus().ring("outbox:bot", "ding:2");
  CHECK(events.wait_for("a ding:2"));
  b.coordination.bus().ring("outbox:bot", "ding:3");
  CHECK(events.wait_for("a ding:3"));
  CHECK(events.count("b ding:2") == 0);
  CHECK(events.count("b ding:3") == 0);
  CHECK(events.count("wrong topic ding:1") == 0);
}

TEST_CASE("postgres lease: one holder at a time, renewed past its ttl; a release hands over at once, epochs grow") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a", 1500ms);
  Replica b(database.dsn(), "b", 1500ms);
  Events events;
  auto lease_a = a.coordination.campaign("telegram.bot", a.loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  CHECK(lease_a->held());
  CHECK(lease_a->fence() == sdk::Fence{"telegram.bot", "a", 1});
  auto lease_b = b.coordination.campaign("telegram.bot", b.loop.io.get_executor(), recorded(events, "b"));

  // Three ttls: a keeps renewing, b never gets it.
  std::this_thread::sleep_for(4500ms);
  CHECK(events.all() == std::vector<std::string>{"a acquired 1"});
  CHECK(lease_a->held());
  CHECK_FALSE(lease_b->held());

  const auto released = Clock::now();
  lease_a->release();
  REQUIRE(events.wait_for("a lost"));
  const auto taken = events.wait_for("b acquired 2");
  REQUIRE(taken);
  // The doorbell, not the next retry a third of a ttl later (with room for a busy machine).
  CHECK(*taken - released < 1500ms);
  CHECK(lease_b->fence() == sdk::Fence{"telegram.bot", "b", 2});
  CHECK_FALSE(lease_a->held());

  // A destroyed campaign releases without telling anyone.
  lease_b.reset();
  auto lease_c = a.coordination.campaign("telegram.bot", a.loop.io.get_executor(), recorded(events, "c"));
  REQUIRE(events.wait_for("c acquired 3"));
  CHECK(events.count("b lost") == 0);
}

TEST_CASE("postgres lease: a holder whose renewals stop gives up before another replica takes over") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a", 1500ms);
  Replica b(database.dsn(), "b", 1500ms);
  Events events;
  auto lease_a = a.coordination.campaign("bot", a.loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  auto lease_b = b.coordination.campaign("bot", b.loop.io.get_executor(), recorded(events, "b"));

  // Lock the lease's row: a's renewals (and b's attempts) wait, unanswered,
  // as if the database had gone quiet; then let go after two ttls.
  core::PgSession blocker(database.dsn());
  REQUIRE(blocker.exec("BEGIN").ok());
  REQUIRE(blocker.exec("SELECT * FROM leases WHERE name = 'bot' FOR UPDATE").ok());
  const auto lost = events.wait_for("a lost", 10s);
  REQUIRE(lost);
  CHECK_FALSE(lease_a->held());
  lease_a.reset();
  std::this_thread::sleep_for(1500ms);
  REQUIRE(blocker.exec("COMMIT").ok());
  const auto acquired = events.wait_for("b acquired", 20s, true);
  REQUIRE(acquired);
  CHECK(*lost < *acquired);
  REQUIRE(eventually([&] { return lease_b->held(); }));

  // The old holder's fence no longer writes.
  const sdk::Fence stale{"bot", "a", 1};
  auto refused = a.coordination.documents().write_if("bot_state.json", std::string_view("old"),
                                                     sdk::DocumentStore::any_version, stale);
  REQUIRE(refused.ok());
  CHECK(refused.value().outcome == sdk::WriteOutcome::fenced);
  auto accepted = b.coordination.documents().write_if("bot_state.json", std::string_view("new"),
                                                      sdk::DocumentStore::any_version, lease_b->fence());
  REQUIRE(accepted.ok());
  CHECK(accepted.value().outcome == sdk::WriteOutcome::written);
  CHECK(a.coordination.documents().read("bot_state.json").value() == "new");
}

TEST_CASE("postgres lease: a holder frozen past its lease reads as not holding at once, before it hears lost") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "a", 1500ms);
  Events events;
  auto lease = a.coordination.campaign("bot", a.loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  const auto fence = lease->fence();
  CHECK(a.coordination.holds(fence));

  // Freeze the replica's loop (no renewal, no event), as SIGSTOP would.
  std::promise<void> frozen;
  std::promise<void> thaw;
  boost::asio::post(a.loop.io, [&frozen, thawed = thaw.get_future().share()] {
    frozen.set_value();
    thawed.wait();
  });
  frozen.get_future().wait();
  const auto froze = Clock::now();
  // ttl - margin (1.2 s) after its last renewal, which was sent before the freeze.
  REQUIRE(eventually([&] { return !lease->held(); }, 5s));
  CHECK(Clock::now() - froze < 1500ms);
  CHECK_FALSE(lease->fence());
  CHECK_FALSE(a.coordination.holds(fence));
  CHECK(events.count("a lost") == 0);

  thaw.set_value();
  CHECK(events.wait_for("a lost"));
  CHECK_FALSE(lease->held());
  CHECK_FALSE(a.coordination.holds(fence));
}

TEST_CASE("postgres documents: a fenced write is one statement, so no transaction of it waits on its writer") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "one-statement", 3000ms);
  Events events;
  auto lease = a.coordination.campaign("bot", a.loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  const auto fence = lease->fence();

  // Hold the documents lock: the write waits for it inside its statement.
  core::PgSession blocker(database.dsn());
  REQUIRE(blocker.exec("BEGIN").ok());
  REQUIRE(blocker.exec("SELECT pg_advisory_xact_lock(" + std::string(core::PgDocumentStore::versions_lock) + ")").ok());
  auto written = std::async(std::launch::async, [&] {
    return a.coordination.documents().write_if("bot_state.json", std::string_view("x"), 0, fence);
  });
  core::PgSession admin(database.dsn());
  const std::string waiting =
      " FROM pg_stat_activity WHERE application_name = 'one-statement' AND wait_event_type = 'Lock'";
  REQUIRE(eventually([&] { return sql_value(admin, "SELECT count(*)" + waiting) == "1"; }));
  // The statement that waits checks the fence and writes: nothing of the
  // write is left for a later round trip, which a frozen writer would never make.
  CHECK(sql_value(admin, "SELECT query LIKE '%FROM leases%FOR SHARE%' AND query LIKE '%INSERT INTO documents%'" +
                             waiting) == "t");
  REQUIRE(blocker.exec("COMMIT").ok());
  const auto outcome = written.get();
  REQUIRE(outcome.ok());
  CHECK(outcome.value().outcome == sdk::WriteOutcome::written);
  CHECK(a.coordination.documents().read("bot_state.json").value() == "x");
}

TEST_CASE("postgres coordination: after its connection is ended a replica connects again, listens and holds on") {
  Loop loop;
  TestDatabase database(loop);
  Replica a(database.dsn(), "cut-off-a", 3000ms);
  Replica b(database.dsn(), "b", 3000ms);
  Events events;
  auto lease_a = a.coordination.campaign("bot", a.loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  auto on_a = a.coordination.bus().listen("hello", a.loop.io.get_executor(), [&](std::string note) { events.add(note); });
  REQUIRE(eventually([&] {
    b.coordination.bus().ring("hello", "before");
    return events.wait_for("before", 200ms).has_value();
  }));

  core::PgSession admin(database.dsn());
  CHECK(sql_value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'cut-off-a' AND backend_type = 'client backend'") != "0");
  const bool reconnected = eventually([&] { return a.log.contains("connected to PostgreSQL again"); });
  INFO(a.log.all());
  REQUIRE(reconnected);
  REQUIRE(eventually([&] {
    b.coordination.bus().ring("hello", "after");
    return events.wait_for("after", 200ms).has_value();
  }));
  // The blocking sessions connect again too.
  REQUIRE(a.coordination.documents().write("after.json", "1"));
  CHECK(a.log.contains("lost the connection to PostgreSQL"));
  CHECK(lease_a->held());
  CHECK(events.count("a lost") == 0);
}

TEST_CASE("postgres lease: a campaign made while the connection is down is tried as soon as it is back") {
  Loop loop;
  TestDatabase database(loop);
  Replica replica(database.dsn(), "cut-off", 30s);
  core::PgSession own(database.dsn());
  const std::string name = sql_value(own, "SELECT current_database()");
  core::PgSession admin(test::test_dsn());  // a database may not be closed from inside
  const auto closed = admin.exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
  INFO(closed.error());
  REQUIRE(closed.ok());
  CHECK(sql_value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'cut-off' AND backend_type = 'client backend'") != "0");
  const auto state = [&] { return replica.coordination.view().connections.at(0); };
  REQUIRE(eventually([&] { return state().state == "reconnecting"; }));
  CHECK_FALSE(state().last_error.empty());

  std::atomic<std::int64_t> acquired_at_ms{0};
  auto lease = replica.coordination.campaign("channel/bot", replica.loop.io.get_executor(),
                                             {[&](sdk::Fence) { acquired_at_ms = sdk::now_epoch_ms(); }, {}});
  std::this_thread::sleep_for(500ms);  // campaigning while no connection can be made
  CHECK(acquired_at_ms == 0);
  REQUIRE(admin.exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true").ok());
  REQUIRE(eventually([&] { return acquired_at_ms != 0; }));
  const auto connection = state();
  CHECK(connection.state == "connected");
  // Taken on the new connection's first round trips, not at the next of the
  // retries (every 200 ms) that found no connection.
  const auto after_connecting = acquired_at_ms - connection.since_ms;
  INFO("acquired " << after_connecting << " ms after connecting again");
  CHECK(after_connecting < 50);
}

TEST_CASE("postgres replicas see each other in their views; a stopped one leaves at once, a killed one within ttl") {
  Loop loop;
  TestDatabase database(loop);
  core::MetricsRegistry metrics;
  testing::FakeLogger log;
  Loop b_loop;
  core::PgCoordination b(b_loop.io.get_executor(), {database.dsn(), "b", "group-2", 1500ms, "/tmp", 4, 5000ms, "https://b"},
                         log, &metrics);
  REQUIRE(b.open());
  auto a = std::make_unique<Replica>(database.dsn(), "a", 1500ms);
  const auto names = [](const sdk::ClusterView& view) {
    std::vector<std::string> out;
    for (const auto& replica : view.replicas) out.push_back(replica.name + (replica.self ? " (self)" : ""));
    return out;
  };
  REQUIRE(eventually([&] { return names(b.view()) == std::vector<std::string>{"a", "b (self)"}; }));
  REQUIRE(eventually([&] { return names(a->coordination.view()) == std::vector<std::string>{"a (self)", "b"}; }));
  const auto seen_by_a = a->coordination.view();
  CHECK(seen_by_a.backend == "postgres");
  CHECK(seen_by_a.schema_version == static_cast<std::uint32_t>(core::pg_schema_version()));
  CHECK(seen_by_a.lease_ttl_ms == 1500);
  CHECK(seen_by_a.connections.at(0).name == "coordination");
  CHECK(seen_by_a.connections.at(0).state == "connected");
  // Then the pooled sessions (4 here): opening used some; the others connect when first needed.
  REQUIRE(seen_by_a.connections.size() == 5);
  for (std::size_t i = 1; i < 5; ++i) {
    const auto& pooled = seen_by_a.connections[i];
    CHECK(pooled.name == "coordination-pool-" + std::to_string(i));
    CHECK((pooled.state == "connected" || pooled.state == "unused"));
    CHECK(pooled.last_error.empty());
  }
  CHECK(std::ranges::count(seen_by_a.connections, std::string("connected"), &sdk::EngineConnection::state) >= 2);
  const auto& seen_b = seen_by_a.replicas.at(1);
  CHECK(seen_b.host_group == "group-2");
  CHECK(seen_b.address == "https://b");
  CHECK(seen_b.pid == static_cast<std::uint64_t>(::getpid()));
  CHECK_FALSE(seen_b.version.empty());
  CHECK(seen_b.started_at_ms > 0);
  CHECK(metrics.render().find("notifyd_replicas 2\n") != std::string::npos);

  // Who holds what, as both see it.
  Events events;
  auto lease = a->coordination.campaign("channel/bot", a->loop.io.get_executor(), recorded(events, "a"));
  REQUIRE(events.wait_for("a acquired 1"));
  const auto holds = [](const sdk::ClusterView& view, const std::string& holder) {
    return std::ranges::any_of(view.leases, [&](const sdk::LeaseView& l) {
      return l.name == "channel/bot" && l.holder == holder && l.epoch == 1 && l.expires_at_ms > 0;
    });
  };
  CHECK(eventually([&] { return holds(b.view(), "a") && holds(a->coordination.view(), "a"); }));
  lease.reset();
  CHECK(eventually([&] { return b.view().leases.empty(); }));

  // Killed: nothing withdraws the announcement; it expires with its ttl.
  a.reset();
  const auto killed = Clock::now();
  REQUIRE(eventually([&] { return names(b.view()) == std::vector<std::string>{"b (self)"}; }));
  CHECK(Clock::now() - killed < 1500ms + 500ms + 2s);  // ttl, one reading period, a busy machine
  CHECK(eventually([&] { return metrics.render().find("notifyd_replicas 1\n") != std::string::npos; }));

  // Stopped cleanly (settle): gone from the others' view at their next reading.
  Replica c(database.dsn(), "c", 6000ms);  // its announcement would outlive the check below
  REQUIRE(eventually([&] { return names(b.view()) == std::vector<std::string>{"b (self)", "c"}; }));
  std::promise<void> settled;
  c.coordination.settle(5s, [&] { settled.set_value(); });
  REQUIRE(settled.get_future().wait_for(10s) == std::future_status::ready);
  const auto stopped = Clock::now();
  REQUIRE(eventually([&] { return names(b.view()) == std::vector<std::string>{"b (self)"}; }));
  CHECK(Clock::now() - stopped < 3s);
}
