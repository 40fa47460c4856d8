#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/strand.hpp>

#include "coordination_world.hpp"
#include "notifyd/sdk/utc_time.hpp"

// The contract every sdk::Coordination keeps, written only against the SDK
// and a CoordinationWorld: compiled into core_tests with the local world and
// into core_postgres_tests with the PostgreSQL one.

using namespace notifyd;
using namespace std::chrono_literals;
using sdk::WriteOutcome;

namespace {

constexpr auto lease_ttl = 1s;

#ifdef NOTIFYD_COORDINATION_UNDER_TEST_POSTGRES
constexpr std::string_view backend_under_test = "postgres";
#else
constexpr std::string_view backend_under_test = "local";
#endif

// Polls `condition` until it holds or `timeout` passes; true when it held.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::optional<std::string> text(std::string value) { return std::optional<std::string>(std::move(value)); }

// One campaign and what it heard. The lease is the last member: destroyed
// first, while the counters its events touch still exist.
struct Campaigner {
  std::atomic<int> acquired{0};
  std::atomic<int> lost{0};
  std::mutex mutex;
  std::vector<sdk::Fence> fences;          ///< as acquired
  std::function<void()> on_acquired;       ///< runs inside the acquired event, if set
  std::unique_ptr<sdk::Lease> lease;

  void campaign(sdk::Coordination& replica, const std::string& name, boost::asio::any_io_executor executor) {
    lease = replica.campaign(name, boost::asio::make_strand(executor),
                             {[this](sdk::Fence fence) {
                                {
                                  std::lock_guard lock(mutex);
                                  fences.push_back(std::move(fence));
                                }
                                if (on_acquired) on_acquired();
                                ++acquired;
                              },
                              [this] { ++lost; }});
    REQUIRE(lease);
  }
  sdk::Fence last_fence() {
    std::lock_guard lock(mutex);
    return fences.empty() ? sdk::Fence{} : fences.back();
  }
};

// Names heard by a watch or a listener, in order.
struct Heard {
  std::mutex mutex;
  std::vector<std::string> items;
  std::function<void(std::string)> recorder() {
    return [this](std::string item) {
      std::lock_guard lock(mutex);
      items.push_back(std::move(item));
    };
  }
  bool contains(const std::string& item) {
    std::lock_guard lock(mutex);
    return std::find(items.begin(), items.end(), item) != items.end();
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mutex);
    return items;
  }
};

}  // namespace

TEST_CASE("coordination contract: a replica names its backend, itself, its host group and the lease TTL") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& replica = world->replica(0);
  CHECK(replica.backend() == backend_under_test);
  CHECK_FALSE(replica.replica().empty());
  CHECK_FALSE(replica.host_group().empty());
  CHECK(replica.lease_ttl() == lease_ttl);
  CHECK(&replica.documents() == &replica.documents());
}

TEST_CASE("coordination contract: view shows the live replicas, this one marked, and who holds a lease") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& a = world->replica(0);
  auto& b = world->replica(1);
  const auto sees = [](const sdk::Coordination& viewer, const sdk::Coordination& seen) {
    const auto view = viewer.view();
    return std::ranges::any_of(view.replicas, [&](const sdk::ReplicaView& replica) {
      return replica.name == seen.replica() && replica.self == (&viewer == &seen);
    });
  };
  REQUIRE(eventually([&] { return sees(a, a) && sees(a, b) && sees(b, a) && sees(b, b); }));
  const auto view = a.view();
  CHECK(view.backend == backend_under_test);
  CHECK(view.replica == a.replica());
  CHECK(view.host_group == a.host_group());
  CHECK(view.lease_ttl_ms == std::chrono::milliseconds(lease_ttl).count());
  CHECK(view.replicas.size() == (&a == &b ? 1u : 2u));
  CHECK(view.as_of_ms > 0);
  for (const auto& replica : view.replicas) {
    CHECK_FALSE(replica.version.empty());
    CHECK(replica.pid == static_cast<std::uint64_t>(::getpid()));
    CHECK(replica.started_at_ms > 0);
  }

  Campaigner holder;
  holder.campaign(a, "contract/view", world->executor());
  REQUIRE(eventually([&] { return holder.acquired == 1; }));
  const auto fence = holder.last_fence();
  const auto shows_holding = [&](const sdk::Coordination& viewer) {
    const auto leases = viewer.view().leases;
    return std::ranges::any_of(leases, [&](const sdk::LeaseView& lease) {
      return lease.name == "contract/view" && lease.holder == a.replica() && lease.epoch == fence.epoch;
    });
  };
  CHECK(eventually([&] { return shows_holding(a) && shows_holding(b); }));
  holder.lease->release();
  CHECK(eventually([&] { return !shows_holding(a) && !shows_holding(b); }));
}

TEST_CASE("coordination contract: ephemeral keys are put, read, replaced and removed on every replica") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& first = world->replica(0).ephemeral();
  auto& second = world->replica(1).ephemeral();
  CHECK(second.get("contract/k").value() == std::nullopt);
  REQUIRE(first.put("contract/k", "one", 1h).ok);
  CHECK(second.get("contract/k").value() == text("one"));
  REQUIRE(second.put("contract/k", "two", 1h).ok);
  CHECK(first.get("contract/k").value() == text("two"));
  CHECK(first.get("contract/other").value() == std::nullopt);
  REQUIRE(second.remove("contract/k").ok);
  CHECK(first.get("contract/k").value() == std::nullopt);
  CHECK(first.remove("contract/never-set").ok);
}

TEST_CASE("coordination contract: an ephemeral key expires after its time to live") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& first = world->replica(0).ephemeral();
  auto& second = world->replica(1).ephemeral();
  REQUIRE(first.put("contract/session", "alice", 2s).ok);
  REQUIRE(first.put("contract/long", "bob", 1h).ok);
  CHECK(second.get("contract/session").value() == text("alice"));
  CHECK(eventually([&] { return second.get("contract/session").value() == std::nullopt; }));
  CHECK(first.take("contract/session").value() == std::nullopt);
  CHECK(second.get("contract/long").value() == text("bob"));
  CHECK(second.put_if_absent("contract/session", "carol", 1h).value());
  CHECK(first.get("contract/session").value() == text("carol"));
}

TEST_CASE("coordination contract: take has exactly one winner among concurrent takers, 50 rounds") {
  auto world = test::make_coordination_world(lease_ttl);
  constexpr int takers = 8;
  world->replica(0);
  world->replica(1);
  for (int round = 0; round < 50; ++round) {
    const std::string key = "contract/code/" + std::to_string(round);
    const std::string value = "chat-" + std::to_string(round);
    REQUIRE(world->replica(round % 2).ephemeral().put(key, value, 1min).ok);
    std::latch start(takers);
    std::atomic<int> winners{0};
    std::atomic<int> failures{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < takers; ++t) {
      threads.emplace_back([&, t] {
        auto& ephemeral = world->replica(t % 2).ephemeral();
        start.arrive_and_wait();
        auto taken = ephemeral.take(key);
        if (!taken) {
          ++failures;
        } else if (taken.value()) {
          ++winners;
          if (*taken.value() != value) ++wrong;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    INFO("round " << round);
    REQUIRE(failures == 0);
    REQUIRE(winners == 1);
    REQUIRE(wrong == 0);
    REQUIRE(world->replica(0).ephemeral().get(key).value() == std::nullopt);
  }
}

TEST_CASE("coordination contract: put_if_absent has exactly one winner, and sets again once the key expired") {
  auto world = test::make_coordination_world(lease_ttl);
  constexpr int writers = 8;
  world->replica(0);
  world->replica(1);
  for (int round = 0; round < 10; ++round) {
    const std::string key = "contract/claim/" + std::to_string(round);
    std::latch start(writers);
    std::atomic<int> winner{-1};
    std::atomic<int> wins{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t) {
      threads.emplace_back([&, t] {
        auto& ephemeral = world->replica(t % 2).ephemeral();
        start.arrive_and_wait();
        auto set = ephemeral.put_if_absent(key, "writer-" + std::to_string(t), 1min);
        if (!set) {
          ++failures;
        } else if (set.value()) {
          ++wins;
          winner = t;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    INFO("round " << round);
    REQUIRE(failures == 0);
    REQUIRE(wins == 1);
    CHECK(world->replica(1).ephemeral().get(key).value() == text("writer-" + std::to_string(winner.load())));
  }
  auto& ephemeral = world->replica(0).ephemeral();
  REQUIRE(ephemeral.put_if_absent("contract/short", "first", 1500ms).value());
  CHECK_FALSE(world->replica(1).ephemeral().put_if_absent("contract/short", "second", 1min).value());
  CHECK(eventually([&] { return ephemeral.get("contract/short").value() == std::nullopt; }));
  CHECK(world->replica(1).ephemeral().put_if_absent("contract/short", "third", 1min).value());
  CHECK(ephemeral.get("contract/short").value() == text("third"));
}

TEST_CASE("coordination contract: a counter counts within its window and starts again in the next") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& first = world->replica(0).ephemeral();
  auto& second = world->replica(1).ephemeral();
  CHECK(first.count("contract/failures/alice", 1h).value() == 1);
  CHECK(second.count("contract/failures/alice", 1h).value() == 2);
  CHECK(first.count("contract/failures/alice", 1h, 5).value() == 7);
  CHECK(second.count("contract/failures/bob", 1h).value() == 1);

  // A 1 s window: count early in one window, then early in the next.
  constexpr std::int64_t window_ms = 1000;
  const auto early_in_a_window = [] { return sdk::now_epoch_ms() % window_ms < 300; };
  REQUIRE(eventually(early_in_a_window, 5s));
  const auto window = sdk::now_epoch_ms() / window_ms;
  CHECK(first.count("contract/burst", 1s).value() == 1);
  CHECK(second.count("contract/burst", 1s, 2).value() == 3);
  REQUIRE(eventually([&] { return sdk::now_epoch_ms() / window_ms > window && early_in_a_window(); }, 5s));
  CHECK(second.count("contract/burst", 1s).value() == 1);
  CHECK(first.count("contract/burst", 1s).value() == 2);
}

TEST_CASE("coordination contract: write_if writes only over the expected version; 0 creates, nullopt removes") {
  auto world = test::make_coordination_world(lease_ttl);
  auto& first = world->replica(0).documents();
  auto& second = world->replica(1).documents();
  const std::string name = "contract/doc.json";

  const auto absent = second.read_versioned(name).value();
  CHECK(absent.content == std::nullopt);
  CHECK(absent.version == 0);

  const auto created = first.write_if(name, "one", 0).value();
  REQUIRE(created.outcome == WriteOutcome::written);
  CHECK(created.version != 0);
  CHECK(created.version != sdk::DocumentStore::any_version);
  const auto read = second.read_versioned(name).value();
  CHECK(read.content == text("one"));
  CHECK(read.version == created.version);

  const auto again = second.write_if(name, "other", 0).value();
  CHECK(again.outcome == WriteOutcome::changed);
  CHECK(again.version == created.version);

  const auto replaced = second.write_if(name, "two", created.version).value();
  REQUIRE(replaced.outcome == WriteOutcome::written);
  CHECK(replaced.version != created.version);
  const auto stale = first.write_if(name, "stale", created.version).value();
  CHECK(stale.outcome == WriteOutcome::changed);
  CHECK(stale.version == replaced.version);
  CHECK(first.read(name).value() == text("two"));

  const auto forced = first.write_if(name, "three", sdk::DocumentStore::any_version).value();
  REQUIRE(forced.outcome == WriteOutcome::written);
  CHECK(second.read_versioned(name).value().version == forced.version);

  const auto stale_removal = second.write_if(name, std::nullopt, replaced.version).value();
  CHECK(stale_removal.outcome == WriteOutcome::changed);
  CHECK(first.read(name).value() == text("three"));
  const auto removal = second.write_if(name, std::nullopt, forced.version).value();
  CHECK(removal.outcome == WriteOutcome::written);
  CHECK(removal.version == 0);
  const auto gone = first.read_versioned(name).value();
  CHECK(gone.content == std::nullopt);
  CHECK(gone.version == 0);
  CHECK(first.write_if(name, "four", 0).value().outcome == WriteOutcome::written);
}

TEST_CASE("coordination contract: concurrent read-then-write_if increments lose no increment") {
  auto world = test::make_coordination_world(lease_ttl);
  constexpr int writers = 8;
  constexpr int increments = 10;
  const std::string name = "contract/counter.txt";
  REQUIRE(world->replica(0).documents().write_if(name, "0", 0).value().outcome == WriteOutcome::written);
  world->replica(1);
  std::latch start(writers);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      auto& documents = world->replica(t % 2).documents();
      start.arrive_and_wait();
      for (int i = 0; i < increments; ++i) {
        for (int attempt = 0;; ++attempt) {
          auto current = documents.read_versioned(name);
          if (!current || !current.value().content || attempt > 10000) {
            ++failures;
            return;
          }
          const auto next = std::to_string(std::stoi(*current.value().content) + 1);
          auto written = documents.write_if(name, next, current.value().version);
          if (!written) {
            ++failures;
            return;
          }
          if (written.value().outcome == WriteOutcome::written) break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(failures == 0);
  CHECK(world->replica(0).documents().read(name).value() == text(std::to_string(writers * increments)));
}

TEST_CASE("coordination contract: a lease has one holder; the next campaign gets it once it is released") {
  auto world = test::make_coordination_world(lease_ttl);
  Campaigner a;
  Campaigner b;
  std::atomic<bool> a_held_when_b_acquired{false};
  b.on_acquired = [&] { a_held_when_b_acquired = a.lease->held(); };
  a.campaign(world->replica(0), "contract/lease", world->executor());
  REQUIRE(eventually([&] { return a.acquired == 1; }));
  CHECK(a.lease->held());
  const auto first = a.lease->fence();
  CHECK(first);
  CHECK(first == a.last_fence());
  CHECK(first.lease == "contract/lease");
  CHECK(first.holder == world->replica(0).replica());
  CHECK(world->replica(0).holds(first));
  CHECK_FALSE(world->replica(0).holds(sdk::Fence{}));

  b.campaign(world->replica(1), "contract/lease", world->executor());
  std::this_thread::sleep_for(lease_ttl + 500ms);  // longer than the lease lives unrenewed
  CHECK(b.acquired == 0);
  CHECK_FALSE(b.lease->held());
  CHECK_FALSE(b.lease->fence());
  CHECK(a.lease->held());

  a.lease->release();
  CHECK_FALSE(a.lease->held());
  CHECK_FALSE(a.lease->fence());
  CHECK_FALSE(world->replica(0).holds(first));
  REQUIRE(eventually([&] { return b.acquired == 1; }));
  CHECK(eventually([&] { return a.lost == 1; }));
  CHECK_FALSE(a_held_when_b_acquired);
  CHECK(b.lease->held());
  const auto second = b.lease->fence();
  CHECK(second.lease == "contract/lease");
  CHECK(second.holder == world->replica(1).replica());
  CHECK(second.epoch > first.epoch);
  CHECK(world->replica(1).holds(second));
  CHECK_FALSE(world->replica(1).holds(first));
  CHECK(a.acquired == 1);  // a released campaign does not come back
}

TEST_CASE("coordination contract: the holder keeps its lease over several TTLs; a rival never gets it") {
  auto world = test::make_coordination_world(lease_ttl);
  Campaigner holder;
  Campaigner rival;
  holder.campaign(world->replica(0), "contract/renewed", world->executor());
  REQUIRE(eventually([&] { return holder.acquired == 1; }));
  const auto fence = holder.lease->fence();
  rival.campaign(world->replica(1), "contract/renewed", world->executor());
  std::this_thread::sleep_for(lease_ttl * 7 / 2);  // the lease is renewed about ten times meanwhile
  CHECK(holder.lease->held());
  CHECK(holder.lease->fence() == fence);
  CHECK(holder.lost == 0);
  CHECK(holder.acquired == 1);
  CHECK(rival.acquired == 0);
  CHECK_FALSE(rival.lease->held());
  CHECK(world->replica(1).documents().write_if("contract/renewed.json", "still", 0, fence).value().outcome ==
        WriteOutcome::written);
}

TEST_CASE("coordination contract: a fenced write with the old holding's fence is refused after a takeover") {
  auto world = test::make_coordination_world(lease_ttl);
  const std::string name = "contract/offset.json";
  Campaigner old_holder;
  Campaigner new_holder;
  old_holder.campaign(world->replica(0), "contract/bot", world->executor());
  REQUIRE(eventually([&] { return old_holder.acquired == 1; }));
  const auto old_fence = old_holder.lease->fence();
  auto& old_documents = world->replica(0).documents();
  REQUIRE(old_documents.write_if(name, "1", 0, old_fence).value().outcome == WriteOutcome::written);

  new_holder.campaign(world->replica(1), "contract/bot", world->executor());
  old_holder.lease->release();
  REQUIRE(eventually([&] { return new_holder.acquired == 1; }));
  const auto new_fence = new_holder.lease->fence();

  const auto refused = old_documents.write_if(name, "stale", sdk::DocumentStore::any_version, old_fence);
  REQUIRE(refused.ok());
  CHECK(refused.value().outcome == WriteOutcome::fenced);
  CHECK(refused.value().version == 0);
  const auto refused_removal = old_documents.write_if(name, std::nullopt, sdk::DocumentStore::any_version, old_fence);
  REQUIRE(refused_removal.ok());
  CHECK(refused_removal.value().outcome == WriteOutcome::fenced);
  auto made_up = new_fence;
  made_up.holder = "someone-else:1";
  CHECK(old_documents.write_if(name, "forged", sdk::DocumentStore::any_version, made_up).value().outcome ==
        WriteOutcome::fenced);
  CHECK(world->replica(1).documents().read(name).value() == text("1"));

  const auto current = world->replica(1).documents().read_versioned(name).value();
  const auto accepted = world->replica(1).documents().write_if(name, "2", current.version, new_fence);
  REQUIRE(accepted.ok());
  CHECK(accepted.value().outcome == WriteOutcome::written);
  CHECK(old_documents.read(name).value() == text("2"));
}

TEST_CASE("coordination contract: destroying a Lease releases it without calling its events") {
  auto world = test::make_coordination_world(lease_ttl);
  Campaigner first;
  Campaigner next;
  first.campaign(world->replica(0), "contract/destroyed", world->executor());
  REQUIRE(eventually([&] { return first.acquired == 1; }));
  next.campaign(world->replica(1), "contract/destroyed", world->executor());
  first.lease.reset();
  REQUIRE(eventually([&] { return next.acquired == 1; }));
  CHECK(first.lost == 0);
  CHECK(first.acquired == 1);

  // Destroyed while waiting: never acquires.
  Campaigner waiting;
  waiting.campaign(world->replica(0), "contract/destroyed", world->executor());
  waiting.lease.reset();
  Campaigner last;
  last.campaign(world->replica(1), "contract/destroyed", world->executor());
  next.lease->release();
  REQUIRE(eventually([&] { return last.acquired == 1; }));
  CHECK(waiting.acquired == 0);
  CHECK(waiting.lost == 0);
}

TEST_CASE("coordination contract: a ring is heard by the listeners of its topic only, on every replica") {
  auto world = test::make_coordination_world(lease_ttl);
  Heard same_replica;
  Heard other_replica;
  Heard other_topic;
  auto strand = boost::asio::make_strand(world->executor());
  auto a = world->replica(0).bus().listen("contract/links", strand, same_replica.recorder());
  auto b = world->replica(1).bus().listen("contract/links", strand, other_replica.recorder());
  auto c = world->replica(1).bus().listen("contract/codes", strand, other_topic.recorder());

  world->replica(0).bus().ring("contract/links", "alice");
  REQUIRE(eventually([&] { return same_replica.contains("alice") && other_replica.contains("alice"); }));
  world->replica(0).bus().ring("contract/codes", "sync");
  REQUIRE(eventually([&] { return other_topic.contains("sync"); }));
  CHECK(other_topic.all() == std::vector<std::string>{"sync"});

  b.reset();
  world->replica(1).bus().ring("contract/links", "bob");
  REQUIRE(eventually([&] { return same_replica.contains("bob"); }));
  world->replica(1).bus().ring("contract/codes", "sync-2");
  REQUIRE(eventually([&] { return other_topic.contains("sync-2"); }));
  CHECK(other_replica.all() == std::vector<std::string>{"alice"});
  CHECK(same_replica.all() == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE("coordination contract: a watch reports changes under its prefix by any writer, and not others") {
  auto world = test::make_coordination_world(lease_ttl);
  Heard watched;
  Heard sync;
  auto strand = boost::asio::make_strand(world->executor());
  auto watch = world->replica(1).documents().watch("contract/watched/", strand, watched.recorder());
  auto sync_watch = world->replica(1).documents().watch("contract/", strand, sync.recorder());
  auto& writer = world->replica(0).documents();

  REQUIRE(writer.write("contract/watched/links.json", "{}").ok);
  REQUIRE(eventually([&] { return watched.contains("contract/watched/links.json"); }));
  REQUIRE(writer.write("contract/elsewhere/codes.json", "{}").ok);
  REQUIRE(writer.write_if("contract/watched/after.json", "1", 0).ok());
  REQUIRE(eventually([&] { return watched.contains("contract/watched/after.json"); }));
  REQUIRE(eventually([&] { return sync.contains("contract/elsewhere/codes.json"); }));
  CHECK_FALSE(watched.contains("contract/elsewhere/codes.json"));

  REQUIRE(writer.remove("contract/watched/links.json").ok);
  REQUIRE(eventually([&] {
    const auto all = watched.all();
    return std::count(all.begin(), all.end(), "contract/watched/links.json") >= 2;  // written, then removed
  }));

  watch.reset();
  REQUIRE(writer.write("contract/watched/late.json", "{}").ok);
  REQUIRE(eventually([&] { return sync.contains("contract/watched/late.json"); }));
  CHECK_FALSE(watched.contains("contract/watched/late.json"));
}

TEST_CASE("coordination contract: a change made without a doorbell is still reported, within seconds") {
  auto world = test::make_coordination_world(lease_ttl);
  Heard watched;
  REQUIRE(world->replica(0).documents().write("contract/quiet/users.json", "{}").ok);
  auto watch = world->replica(1).documents().watch("contract/quiet/", boost::asio::make_strand(world->executor()),
                                                   watched.recorder());
  world->change_behind_the_back("contract/quiet/users.json", R"({"alice": {"chat_id": 1}})");
  world->change_behind_the_back("contract/quiet/new.json", "{}");
  CHECK(eventually([&] { return watched.contains("contract/quiet/users.json"); }, 10s));
  CHECK(eventually([&] { return watched.contains("contract/quiet/new.json"); }, 10s));
  CHECK(world->replica(1).documents().read("contract/quiet/users.json").value() ==
        text(R"({"alice": {"chat_id": 1}})"));
}
