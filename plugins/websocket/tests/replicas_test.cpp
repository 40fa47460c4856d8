// The desktop channel's parts for several replicas: the registry's one
// fan-out per id, the shared-log reader, the roster, the connection slots
// and the tail (ReplicaSync) on a fake host run step by step.

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include "connection_slots.hpp"
#include "desktop_user_ledger.hpp"
#include "notifyd/sdk/api/history_codecs.hpp"
#include "replica_roster.hpp"
#include "replica_sync.hpp"
#include "server_state.hpp"
#include "shared_log.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;
using namespace std::chrono_literals;

namespace {

class RecordingConnection : public DesktopConnection {
 public:
  void send_notification(std::shared_ptr<const std::string>, std::uint64_t id) override { ids.push_back(id); }
  void close() override {}
  std::vector<std::uint64_t> ids;
};

const auto everyone = [](std::string_view) { return true; };

// A channel's shared state and its ReplicaSync on a fake host, run on the
// test's thread: `settle` runs whatever is ready.
struct Replica {
  Replica() {
    host.emplace(io, make_config({{"jwt_secret", std::string("unit-test-secret")}}));
    state = std::make_shared<ServerState>(*host, read_websocket_settings(host->config()).value());
    sync = std::make_shared<ReplicaSync>(state);
    state->sync = sync;
  }

  void settle() {
    io.restart();
    io.poll();
  }

  // Runs `step` on the plugin's executor and waits for it.
  template <class Step>
  void on_executor(Step step) {
    boost::asio::post(host->executor(), step);
    settle();
  }

  // An app of `user` connected here.
  std::shared_ptr<RecordingConnection> app(const std::string& user) {
    auto connection = std::make_shared<RecordingConnection>();
    REQUIRE(state->registry.open(connection, "192.0.2.1"));
    REQUIRE(state->registry.authenticate(connection.get(), user));
    return connection;
  }

  // Another replica appears in the roster and rings the roster doorbell.
  void another_replica_joins() {
    REQUIRE(host->coordination_service.keys.put("desk/replicas/7", "other:1\t2\t1", 60s));
    host->coordination_service.doorbells.ring(ReplicaSync::roster_topic("desk"));
    settle();
  }

  // The commit doorbell says `newest` (by default the store's newest id) was
  // committed; the tail reads the store once no note brought it, `gap_wait` later.
  void ring_committed(std::optional<std::uint64_t> newest = std::nullopt) {
    if (!newest) {
      const auto top = host->history.history({.limit = 1});
      newest = top && !top.value().empty() ? top.value().front().notification.id : 0;
    }
    host->coordination_service.doorbells.ring("notifications/committed", std::to_string(*newest));
    io.restart();
    io.run_for(ReplicaSync::gap_wait + 200ms);
    settle();
  }

  // Rings notification `id`'s note, complete or (`complete` false) with the id alone.
  void ring_stored(std::uint64_t id, bool complete = true) {
    std::string note = R"({"id":)" + std::to_string(id) + "}";
    if (complete) {
      sdk::HistoryEntry entry{host->history.notification(id), {{"desk", "pending", 0, "", 0}}, {}};
      entry.notification.data_json.clear();
      note = sdk::api::to_json(entry);
    }
    host->coordination_service.doorbells.ring("notifications/stored", note);
    settle();
  }

  // The notes `topic` was rung with, in order.
  std::vector<std::string> rings_of(const std::string& topic) const {
    const auto& doorbells = host->coordination_service.doorbells;
    std::vector<std::string> found;
    for (std::size_t i = 0; i < doorbells.rings.size(); ++i) {
      if (doorbells.rings[i] == topic) found.push_back(doorbells.notes[i]);
    }
    return found;
  }

  boost::asio::io_context io;
  std::optional<FakeHost> host;
  std::shared_ptr<ServerState> state;
  std::shared_ptr<ReplicaSync> sync;
};

}  // namespace

TEST_CASE("the registry hands one id to a user's connections once, whoever brings it", "[replicas]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", {10, 10, 5});
  auto a = std::make_shared<RecordingConnection>(), b = std::make_shared<RecordingConnection>();
  REQUIRE(registry.open(a, "192.0.2.1"));
  REQUIRE(registry.open(b, "192.0.2.1"));
  REQUIRE(registry.authenticate(a.get(), "alice"));
  REQUIRE(registry.authenticate(b.get(), "alice"));
  const auto frame = std::make_shared<const std::string>("{}");

  const auto first = registry.fan_out("alice", frame, 7);
  CHECK((first.reached == 2 && first.handed == 2));
  const auto again = registry.fan_out("alice", frame, 7);
  CHECK((again.reached == 2 && again.handed == 0));
  CHECK(registry.fan_out("alice", frame, 8).handed == 2);
  CHECK(a->ids == std::vector<std::uint64_t>{7, 8});
  CHECK(b->ids == std::vector<std::uint64_t>{7, 8});

  // Only the latest ids are remembered.
  for (std::uint64_t id = 100; id < 100 + ConnectionRegistry::recent_ids_per_user; ++id) registry.fan_out("alice", frame, id);
  CHECK(registry.fan_out("alice", frame, 7).handed == 2);
}

TEST_CASE("the shared log is read forward from a cursor, keeping the channel's deliveries to wanted users",
          "[replicas]") {
  FakeNotifications history;
  const auto one = history.add("alice", "one");
  history.add("alice", "telegram only", {"bot"});
  const auto three = history.add("bob", "for bob");
  const auto four = history.add("alice", "four");
  history.set_state(four, "desk", "delivered");
  const auto alice = [](std::string_view user) { return user == "alice"; };

  auto page = read_shared_log(history, "desk", 0, alice);
  REQUIRE(page);
  CHECK(page.value().cursor == four);
  CHECK_FALSE(page.value().more);
  REQUIRE(page.value().notifications.size() == 2);
  CHECK(page.value().notifications[0].notification.id == one);
  CHECK(page.value().notifications[0].pending);
  CHECK(page.value().notifications[0].notification.data_json.empty());
  CHECK(page.value().notifications[1].notification.id == four);
  CHECK_FALSE(page.value().notifications[1].pending);

  page = read_shared_log(history, "desk", one, everyone);
  REQUIRE(page);
  REQUIRE(page.value().notifications.size() == 2);
  CHECK(page.value().notifications[0].notification.id == three);

  page = read_shared_log(history, "desk", four, everyone);
  REQUIRE(page);
  CHECK(page.value().cursor == four);
  CHECK(page.value().notifications.empty());

  for (std::uint32_t i = 0; i < shared_log_page; ++i) history.add("carol", "many");
  page = read_shared_log(history, "desk", four, everyone);
  REQUIRE(page);
  CHECK(page.value().more);
  CHECK(page.value().notifications.size() == shared_log_page);

  history.fails = true;
  CHECK_FALSE(read_shared_log(history, "desk", four, everyone));
  CHECK_FALSE(newest_notification_id(history));
}

TEST_CASE("the roster lists the live replicas, their connections summed and each user counted once", "[replicas]") {
  notifyd::testing::MemoryEphemeral keys;
  ReplicaRoster a(keys, "desk", "host-a:1", 60s), b(keys, "desk", "host-b:1", 60s);
  REQUIRE(a.publish(3, {"alice", "bob"}));
  auto view = a.read();
  REQUIRE(view);
  CHECK(view.value().replicas == 1);
  CHECK(view.value().total.users == 2);
  CHECK_FALSE(view.value().others);

  // alice has apps on both replicas.
  REQUIRE(b.publish(4, {"carol", "alice"}));
  view = a.read();
  REQUIRE(view);
  CHECK(view.value().replicas == 2);
  CHECK(view.value().others);
  CHECK(view.value().total.connections == 7);
  CHECK(view.value().total.users == 3);
  CHECK(b.read().value().total.users == 3);

  REQUIRE(a.publish(5, {"bob"}));  // a renewal replaces the figures and the names
  view = b.read();
  CHECK(view.value().total.connections == 9);
  CHECK(view.value().total.users == 3);
  REQUIRE(b.publish(4, {"carol"}));
  CHECK(a.read().value().total.users == 2);
  CHECK(keys.get(a.users_key("host-b:1")).value() == ReplicaRoster::digest({"carol"}) + "\ncarol");

  // A replica of a version that publishes no names adds its count.
  REQUIRE(keys.put(a.key(5), "host-c:1\t1\t1", 60s));
  view = b.read();
  CHECK(view.value().replicas == 3);
  CHECK(view.value().total.users == 3);
  REQUIRE(keys.remove(a.key(5)));

  // A key taken over by another replica (this one missed its renewals) is left to it.
  REQUIRE(keys.put(a.key(0), "host-c:1\t1\t1\t" + ReplicaRoster::digest({"dave"}), 60s));
  REQUIRE(a.publish(5, {"bob"}));
  view = b.read();
  CHECK(view.value().replicas == 3);
  // host-c's names are not to be had: its count is added.
  CHECK(view.value().total.users == 3);

  b.leave();
  CHECK(a.read().value().replicas == 2);
  CHECK_FALSE(keys.get(a.users_key("host-b:1")).value().has_value());

  // A replica that stops renewing drops out after the ttl.
  ReplicaRoster quick(keys, "desk", "host-d:1", 20ms);
  REQUIRE(quick.publish(1, {"erin"}));
  CHECK(a.read().value().replicas == 3);
  std::this_thread::sleep_for(40ms);
  CHECK(a.read().value().replicas == 2);
}

TEST_CASE("connection slots hold the per-user limit across replicas, and a replica that left frees its own",
          "[replicas]") {
  notifyd::testing::MemoryEphemeral keys;
  ConnectionSlots a(keys, "desk", "host-a:1", 2), b(keys, "desk", "host-b:1", 2);
  const auto first = a.claim("alice");
  REQUIRE((first && first.value()));
  const auto second = b.claim("alice");
  REQUIRE((second && second.value()));
  CHECK_FALSE(a.claim("alice").value());
  CHECK_FALSE(b.claim("alice").value());
  CHECK(b.claim("bob").value());
  CHECK(a.held() == 1);

  a.release(*first.value());
  CHECK(a.held() == 0);
  const auto again = b.claim("alice");
  REQUIRE((again && again.value()));
  b.release_all();
  CHECK(b.held() == 0);
  CHECK(a.claim("alice").value());

  // Until the roster is read every holder counts; then the slots of a replica not in it are free.
  ConnectionSlots gone(keys, "desk", "host-c:1", 1), here(keys, "desk", "host-d:1", 1);
  REQUIRE(gone.claim("carol").value());
  CHECK_FALSE(here.claim("carol").value());
  here.set_live_replicas({"host-c:1", "host-d:1"});
  CHECK_FALSE(here.claim("carol").value());
  here.set_live_replicas({"host-d:1"});
  const auto taken_over = here.claim("carol");
  REQUIRE((taken_over && taken_over.value()));
  CHECK(keys.get(*taken_over.value()).value().value().starts_with("host-d:1#"));
  // Any replica that reads a holder gone takes its slot over; one that reads it live does not.
  ConnectionSlots third(keys, "desk", "host-e:1", 1);
  third.set_live_replicas({"host-e:1"});
  CHECK(third.claim("carol").value());
  here.set_live_replicas({"host-d:1", "host-e:1"});
  CHECK_FALSE(here.claim("carol").value());
  // A replica never takes its own slots over, even missing from the roster it read.
  third.set_live_replicas({});
  CHECK_FALSE(third.claim("carol").value());
  // Renewal is rare: a fresh set of slots has nothing due.
  static_assert(ConnectionSlots::key_ttl / 3 >= std::chrono::minutes(20));
  const auto before = keys.puts();
  REQUIRE(here.renew());
  CHECK(keys.puts() == before);
}

TEST_CASE("alone, the tail leaves every frame to the outbox and only follows the newest id", "[replicas]") {
  Replica replica;
  auto& history = replica.host->history;
  history.add("alice", "before start");
  replica.on_executor([&] { replica.sync->start(); });
  const auto app = replica.app("alice");
  CHECK(replica.sync->alone());
  CHECK(replica.sync->figures().replicas == 1);

  const auto id = history.add("alice", "accepted here");
  replica.ring_committed();
  CHECK(app->ids.empty());  // the outbox's delivery brings it
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")).empty());
  // Alone, only another replica's word answers for it (none spoke), and nobody is asked.
  replica.host->history.set_state(id, "desk", "delivered");
  bool reached = true;
  replica.on_executor([&] { reached = replica.sync->reached_elsewhere(id, "alice"); });
  CHECK_FALSE(reached);
  CHECK(replica.rings_of(ReplicaSync::wanted_topic("desk")).empty());

  // The roster's renewal moves the cursor to the newest id read before it.
  replica.host->coordination_service.doorbells.ring(ReplicaSync::roster_topic("desk"));
  replica.settle();
  CHECK(replica.sync->cursor() == id);
  replica.on_executor([&] { replica.sync->stop(); });
}

TEST_CASE("with another replica, the tail pushes what that replica accepted to the apps here, once, and says so",
          "[replicas]") {
  Replica replica;
  auto& history = replica.host->history;
  auto& keys = replica.host->coordination_service.keys;
  replica.on_executor([&] { replica.sync->start(); });
  const auto alice = replica.app("alice");
  replica.another_replica_joins();
  CHECK_FALSE(replica.sync->alone());
  CHECK(replica.sync->figures().replicas == 2);
  CHECK(replica.sync->figures().connections == 2 + 1);

  const auto pending = history.add("alice", "accepted elsewhere");
  const auto delivered = history.add("alice", "delivered elsewhere already");
  history.set_state(delivered, "desk", "delivered");
  const auto for_bob = history.add("bob", "nobody here");
  replica.ring_committed();
  CHECK(alice->ids == std::vector<std::uint64_t>{pending, delivered});
  CHECK(replica.sync->cursor() == for_bob);

  // The pending one is announced (its outbox records it delivered), in one ring.
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")) ==
        std::vector<std::string>{std::to_string(pending) + ":alice"});
  CHECK(replica.host->reachable_users() == std::vector<std::string>{"alice"});
  bool pushed = false;
  replica.on_executor([&] { pushed = replica.sync->reached_elsewhere(pending, "alice"); });
  CHECK(pushed);
  replica.on_executor([&] { pushed = replica.sync->reached_elsewhere(for_bob, "bob"); });
  CHECK_FALSE(pushed);
  // Not heard of: the replicas are asked, and one that pushed it says so again.
  CHECK(replica.rings_of(ReplicaSync::wanted_topic("desk")) ==
        std::vector<std::string>{std::to_string(for_bob) + ":bob"});
  replica.host->coordination_service.doorbells.ring(ReplicaSync::wanted_topic("desk"),
                                                    std::to_string(pending) + ":alice," + std::to_string(for_bob) + ":bob");
  replica.settle();
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")).size() == 2);
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")).back() == std::to_string(pending) + ":alice");
  // Another replica's outbox delivered it (history says so).
  replica.on_executor([&] { pushed = replica.sync->reached_elsewhere(delivered, "alice"); });
  CHECK(pushed);

  // A lost doorbell: the next look finds nothing twice.
  replica.ring_committed();
  CHECK(alice->ids.size() == 2);

  // A store that cannot be read is warned about once, and its recovery told.
  history.fails = true;
  history.add("alice", "while the store cannot be read");
  replica.ring_committed();
  replica.ring_committed();
  CHECK(replica.host->logger.count("cannot read the shared history") == 1);
  history.fails = false;
  replica.ring_committed();
  CHECK(replica.host->logger.count("reading the shared history again") == 1);

  CHECK(alice->ids.size() == 3);

  // The outbox bringing the same id again hands nothing more.
  const auto frame = std::make_shared<const std::string>("{}");
  CHECK(replica.state->registry.fan_out("alice", frame, pending).handed == 0);

  // An app connecting here gets its user's deliveries still pending elsewhere.
  const auto bob = replica.app("bob");
  replica.on_executor([&] { replica.sync->user_connected("bob"); });
  replica.settle();
  CHECK(bob->ids == std::vector<std::uint64_t>{for_bob});
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")).back() == std::to_string(for_bob) + ":bob");

  // The other replica goes: the tail reads what is left, then only follows.
  REQUIRE(keys.remove("desk/replicas/7"));
  const auto last = history.add("alice", "just before it went");
  replica.host->coordination_service.doorbells.ring(ReplicaSync::roster_topic("desk"));
  replica.settle();
  CHECK(replica.sync->alone());
  CHECK(alice->ids.back() == last);
  replica.on_executor([&] { replica.sync->stop(); });
  CHECK(keys.get("desk/replicas/0").value() == std::nullopt);
}

TEST_CASE("with another replica, the tail follows the notes of stored notifications in id order without reading the store",
          "[replicas]") {
  Replica replica;
  auto& history = replica.host->history;
  replica.on_executor([&] { replica.sync->start(); });
  const auto alice = replica.app("alice");
  replica.another_replica_joins();
  const auto first = history.add("alice", "one");
  const auto second = history.add("bob", "two: nobody here");
  const auto third = history.add("alice", "three");
  const auto fourth = history.add("alice", "four: too large for a note");
  const auto fifth = history.add("alice", "five");
  const auto queries = history.queries;

  // Replicas' commits land out of id order: a note waits for the ids below it.
  replica.ring_stored(third);
  CHECK(alice->ids.empty());
  replica.ring_stored(first);
  CHECK(alice->ids == std::vector<std::uint64_t>{first});
  replica.ring_stored(second);
  CHECK(alice->ids == std::vector<std::uint64_t>{first, third});
  CHECK(replica.sync->cursor() == third);
  CHECK(history.queries == queries);
  // Pushes of pending deliveries are announced together, `announce_wait` later.
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")).empty());
  replica.io.restart();
  replica.io.run_for(ReplicaSync::announce_wait + 200ms);
  CHECK(replica.rings_of(ReplicaSync::pushed_topic("desk")) ==
        std::vector<std::string>{std::to_string(first) + ":alice," + std::to_string(third) + ":alice"});

  // A note with the id alone, and one past it: the store is read for them.
  replica.ring_stored(fourth, false);
  replica.ring_stored(fifth);
  CHECK(alice->ids.size() == 2);
  replica.ring_committed(fifth);
  CHECK(alice->ids == std::vector<std::uint64_t>{first, third, fourth, fifth});
  CHECK(replica.sync->cursor() == fifth);
  CHECK(history.queries > queries);

  // A note at or below the cursor (a ring heard twice) pushes nothing again.
  replica.ring_stored(third);
  CHECK(alice->ids.size() == 4);

  // A missing id whose note never comes (its batch rolled back, a lost
  // ring): the doorbell's id sends the tail to the store.
  const auto lost = history.add("alice", "its note was lost");
  replica.ring_committed(lost);
  CHECK(alice->ids.back() == lost);
  replica.on_executor([&] { replica.sync->stop(); });
}

TEST_CASE("replicas merge the desktop-user ledger instead of overwriting each other's users", "[replicas]") {
  MemoryDocuments store;
  DesktopUserLedger a, b;
  a.record("alice", 2000);
  b.record("bob", 3000);
  REQUIRE(a.save(store, "users.json", 100));
  REQUIRE(b.save(store, "users.json", 100));
  DesktopUserLedger fresh;
  REQUIRE(fresh.load(store, "users.json", 100));
  CHECK(fresh.holds_token("alice", 100));
  CHECK(fresh.holds_token("bob", 100));
  CHECK(b.holds_token("alice", 100));  // merged in by its save

  // The later expiry wins.
  a.record("bob", 2500);
  REQUIRE(a.load(store, "users.json", 100));
  CHECK(a.holds_token("bob", 2800));
  CHECK_FALSE(a.merge("[]", 100));
}

TEST_CASE("recent pushes: the oldest is forgotten first, and notes split where the bus wants", "[replicas]") {
  RecentPushes pushes(2);
  pushes.add(1, "alice");
  pushes.add(2, "bob");
  pushes.add(2, "bob");
  CHECK(pushes.size() == 2);
  pushes.add(3, "carol");
  CHECK_FALSE(pushes.contains(1));
  CHECK(pushes.contains(3));

  const std::vector<std::pair<std::uint64_t, std::string>> many{{10, "alice"}, {11, "bob"}, {12, "carol"}};
  const auto notes = RecentPushes::notes(many, 16);
  CHECK(notes == std::vector<std::string>{"10:alice,11:bob", "12:carol"});
  std::vector<std::pair<std::uint64_t, std::string>> back;
  for (const auto& note : notes) {
    for (auto& item : RecentPushes::parse_note(note)) back.push_back(std::move(item));
  }
  CHECK(back == many);
  CHECK(RecentPushes::notes({}, 16).empty());
  CHECK(RecentPushes::parse_note("x:alice,7:,:bob,8:dave,9") ==
        std::vector<std::pair<std::uint64_t, std::string>>{{8, "dave"}});
}
