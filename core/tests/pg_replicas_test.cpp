#include <catch2/catch.hpp>

#include <condition_variable>
#include <future>
#include <mutex>

#include <boost/asio/thread_pool.hpp>

#include "notifyd/sdk/api/history_codecs.hpp"
#include "notifyd/sdk/bus_topics.hpp"
#include "pg_coordination.hpp"
#include "pg_notification_store.hpp"
#include "pg_session.hpp"
#include "pg_test_support.hpp"
#include "test_support.hpp"

// Two PgNotificationStores on one database are two replicas: whichever
// accepts a notification, a reader of `id > since` on either never passes an
// id that has yet to commit, and the replicas' commits do not wait for each
// other.

using namespace notifyd;
using namespace std::chrono_literals;

namespace {

boost::asio::any_io_executor completions() {
  static boost::asio::thread_pool pool(1);
  return pool.get_executor();
}

/// Holds a store's batches before their COMMIT while armed, and tells when one waits there.
class CommitGate {
 public:
  void arm() {
    std::lock_guard lock(mutex_);
    armed_ = true;
  }
  /// The store's hook (its writer thread).
  void before_commit() {
    std::unique_lock lock(mutex_);
    if (!armed_) return;
    holding_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !armed_; });
    holding_ = false;
  }
  bool wait_until_holding() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 30s, [this] { return holding_; });
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      armed_ = false;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false;
  bool holding_ = false;
};

using Stored = std::shared_future<std::uint64_t>;

Stored insert(core::NotificationStore& store, const std::string& message,
              std::optional<sdk::ImageUpload> image = std::nullopt) {
  auto stored = std::make_shared<std::promise<std::uint64_t>>();
  Stored future = stored->get_future().share();
  sdk::Notification n;
  n.user = "alice";
  n.title = "Nightly \"check\"";
  n.message = message;
  store.insert(std::move(n), std::move(image), {"desktop", "telegram"}, completions(),
               [stored](sdk::Status status, std::shared_ptr<const sdk::Notification> result) {
                 if (status) {
                   stored->set_value(result->id);
                 } else {
                   stored->set_exception(std::make_exception_ptr(std::runtime_error(status.message)));
                 }
               });
  return future;
}

std::uint64_t wait(const Stored& stored) {
  REQUIRE(stored.wait_for(60s) == std::future_status::ready);
  return stored.get();
}

/// The ids above `since`, oldest first, as a reader of `since` sees them.
std::vector<std::uint64_t> ids_since(const core::NotificationStore& store, std::uint64_t since) {
  auto page = store.history({.limit = 500, .after_id = since});
  REQUIRE(page.ok());
  std::vector<std::uint64_t> ids;
  for (const auto& entry : page.value()) ids.push_back(entry.notification.id);
  return ids;
}

/// The ids of `channel`'s pending deliveries above `since`, as an outbox paging from `since` sees them.
std::vector<std::uint64_t> pending_since(const core::NotificationStore& store, std::uint64_t since) {
  auto page = store.pending("desktop", since, 500);
  REQUIRE(page.ok());
  std::vector<std::uint64_t> ids;
  for (const auto& pending : page.value()) ids.push_back(pending.notification->id);
  return ids;
}

}  // namespace

TEST_CASE("two replicas on one database: a reader of `since` never passes an id that has yet to commit") {
  test::Loop loop;
  test::TestDatabase database{loop};
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  CommitGate gates[2];
  core::PgNotificationStore a(database.dsn(), dir.path() / "a", log, {}, [&] { gates[0].before_commit(); });
  core::PgNotificationStore b(database.dsn(), dir.path() / "b", log, {}, [&] { gates[1].before_commit(); });
  REQUIRE(a.open().ok);
  REQUIRE(b.open().ok);
  core::NotificationStore* replicas[] = {&a, &b};

  std::uint64_t since = wait(insert(a, "before"));
  std::vector<std::uint64_t> accepted{since};
  std::vector<std::uint64_t> seen{since};
  for (int round = 0; round < 10; ++round) {
    CAPTURE(round);
    const int held = round % 2;
    auto& early = *replicas[held];
    auto& late = *replicas[1 - held];
    gates[held].arm();
    auto early_insert = insert(early, "early " + std::to_string(round));
    REQUIRE(gates[held].wait_until_holding());  // its id is drawn, its batch not committed
    const auto late_id = wait(insert(late, "late " + std::to_string(round)));  // commits while early holds its ids

    CHECK(ids_since(a, since).empty());
    CHECK(ids_since(b, since).empty());
    CHECK(pending_since(a, since).empty());
    CHECK(pending_since(b, since).empty());
    gates[held].release();
    const auto early_id = wait(early_insert);
    CHECK(early_id < late_id);
    accepted.push_back(early_id);
    accepted.push_back(late_id);

    const auto read = ids_since(late, since);
    CHECK(read == std::vector<std::uint64_t>{early_id, late_id});
    CHECK(pending_since(early, since) == read);
    seen.insert(seen.end(), read.begin(), read.end());
    since = read.empty() ? since : read.back();
  }
  CHECK(seen == accepted);
  auto newest_first = b.history({.limit = 500});
  REQUIRE(newest_first.ok());
  std::vector<std::uint64_t> everything;
  for (const auto& entry : newest_first.value()) everything.insert(everything.begin(), entry.notification.id);
  CHECK(everything == accepted);
}

TEST_CASE("two replicas on one database: ids a failed batch drew are passed once its transaction has ended") {
  test::Loop loop;
  test::TestDatabase database{loop};
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  CommitGate gate;
  core::PgNotificationStore a(database.dsn(), dir.path() / "a", log, {}, [&] { gate.before_commit(); });
  core::PgNotificationStore b(database.dsn(), dir.path() / "b", log);
  REQUIRE(a.open().ok);
  REQUIRE(b.open().ok);
  core::PgSession observer(database.dsn());

  const auto since = wait(insert(b, "before"));
  gate.arm();
  auto failing = insert(a, "its first transaction is ended");
  REQUIRE(gate.wait_until_holding());
  const auto late_id = wait(insert(b, "late"));
  CHECK(ids_since(b, since).empty());

  // The held batch's backend is the one idle inside a transaction: ending it rolls its ids back.
  auto ended = observer.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle in transaction' "
      "AND pid <> pg_backend_pid()");
  REQUIRE(ended.ok());
  REQUIRE(ended.value().rows.size() == 1);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (ids_since(b, since).empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  CHECK(ids_since(b, since) == std::vector<std::uint64_t>{late_id});
  CHECK(pending_since(b, since) == std::vector<std::uint64_t>{late_id});

  gate.release();
  REQUIRE(failing.wait_for(60s) == std::future_status::ready);
  CHECK_THROWS_WITH(failing.get(), Catch::Contains("connection"));  // answered as not stored
  const auto next_id = wait(insert(a, "after a new connection"));
  CHECK(next_id > late_id);
  CHECK(ids_since(a, since) == std::vector<std::uint64_t>{late_id, next_id});
}

TEST_CASE("a shared store rings each stored notification with its commit: complete, or its id alone") {
  test::Loop loop;
  test::TestDatabase database{loop};
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  core::PgCoordination coordination(loop.io.get_executor(),
                                    core::PgCoordinationSettings{database.dsn(), "listener", "", 3000ms, dir.path(), 1,
                                                                 5000ms, ""},
                                    log);
  REQUIRE(coordination.open().ok);
  REQUIRE(coordination.wait_listening(30s));
  std::mutex mutex;
  std::vector<std::string> notes, doorbells;
  auto stored = coordination.bus().listen(std::string(sdk::notification_stored_topic), loop.io.get_executor(),
                                          [&](std::string note) {
                                            std::lock_guard lock(mutex);
                                            notes.push_back(std::move(note));
                                          });
  auto committed = coordination.bus().listen(std::string(sdk::notifications_committed_topic), loop.io.get_executor(),
                                             [&](std::string note) {
                                               std::lock_guard lock(mutex);
                                               doorbells.push_back(std::move(note));
                                             });
  core::PgNotificationStore store(database.dsn(), dir.path() / "images", log);
  store.ring_in_commit();
  REQUIRE(store.open().ok);

  const auto plain = wait(insert(store, "disk 91 % full, \u00e9t\u00e9"));
  const auto with_image = wait(insert(store, "chart", sdk::ImageUpload{"\x89PNG", sdk::ImageType::png}));
  const auto large = wait(insert(store, std::string(8000, 'x')));
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  const auto heard = [&] {
    std::lock_guard lock(mutex);
    return notes.size() >= 3 && !doorbells.empty() && doorbells.back() == std::to_string(large);
  };
  while (!heard() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  std::lock_guard lock(mutex);
  REQUIRE(notes.size() == 3);
  auto entry = sdk::api::from_json<sdk::HistoryEntry>(notes[0]);
  REQUIRE(entry.ok());
  CHECK(entry.value().notification.id == plain);
  CHECK(entry.value().notification.user == "alice");
  CHECK(entry.value().notification.title == "Nightly \"check\"");
  CHECK(entry.value().notification.message == "disk 91 % full, \u00e9t\u00e9");
  CHECK(entry.value().notification.created_at_ms > 0);
  REQUIRE(entry.value().deliveries.size() == 2);
  CHECK(entry.value().deliveries[0].channel == "desktop");
  CHECK(entry.value().deliveries[1].state == "pending");
  CHECK(notes[1] == R"({"id":)" + std::to_string(with_image) + "}");
  CHECK(notes[2] == R"({"id":)" + std::to_string(large) + "}");
}
