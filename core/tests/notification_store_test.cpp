#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <future>
#include <mutex>

#include <boost/asio/thread_pool.hpp>

#include "test_support.hpp"
#ifdef NOTIFYD_STORE_UNDER_TEST_POSTGRES
#include "pg_notification_store.hpp"
#include "pg_test_support.hpp"
#endif

// The contract every notification store keeps: this file is compiled into
// core_tests against the SQLite store and into core_postgres_tests against
// the PostgreSQL one.

using namespace notifyd;

namespace {

// Where the store posts these tests' completions: one thread, so they run in order.
boost::asio::any_io_executor completions() {
  static boost::asio::thread_pool pool(1);
  return pool.get_executor();
}

std::shared_ptr<const sdk::Notification> insert(core::NotificationStore& store, const std::string& user,
                                                std::optional<sdk::ImageUpload> image = std::nullopt,
                                                const std::string& source = "") {
  std::promise<std::shared_ptr<const sdk::Notification>> stored;
  sdk::Notification n;
  n.user = user;
  n.source = source;
  n.title = "t";
  n.message = "m";
  n.data_json = R"({"k":1})";
  store.insert(std::move(n), std::move(image), {"bot", "console"}, completions(),
               [&](sdk::Status status, std::shared_ptr<const sdk::Notification> result) {
                 REQUIRE(status.ok);
                 stored.set_value(result);
               });
  return stored.get_future().get();
}

#ifdef NOTIFYD_STORE_UNDER_TEST_POSTGRES
/// Stores on a database of their own, images under `dir`.
struct Backend {
  test::Loop loop;
  test::TestDatabase database{loop};
  std::unique_ptr<core::NotificationStore> make(const std::filesystem::path& dir, sdk::Logger& log) {
    return std::make_unique<core::PgNotificationStore>(database.dsn(), dir / "images", log);
  }
};
#else
/// Stores in `dir`.
struct Backend {
  std::unique_ptr<core::NotificationStore> make(const std::filesystem::path& dir, sdk::Logger& log) {
    return std::make_unique<core::SqliteNotificationStore>(dir, log);
  }
};
#endif

/// A store opened over a fresh directory (and database).
struct OpenStore {
  OpenStore() { REQUIRE(store.open().ok); }
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log{sink, "test"};
  Backend backend;
  std::unique_ptr<core::NotificationStore> owned = backend.make(dir.path(), log);
  core::NotificationStore& store = *owned;
};

}  // namespace

TEST_CASE("inserted notifications are durable, ordered and queryable") {
  test::TempDir dir;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  Backend backend;
  std::uint64_t first_id = 0;
  {
    auto owned = backend.make(dir.path(), log);
    auto& store = *owned;
    REQUIRE(store.open().ok);
    auto a = insert(store, "alice");
    auto b = insert(store, "bob");
    auto c = insert(store, "alice", sdk::ImageUpload{std::string("\x89PNG\r\n\x1a\nrest", 12), sdk::ImageType::png});
    first_id = a->id;
    CHECK(b->id == a->id + 1);
    CHECK(c->image_path == (dir.path() / "images" / (std::to_string(c->id) + ".png")).string());
    CHECK(std::filesystem::file_size(c->image_path) == 12);
  }
  auto reopened = backend.make(dir.path(), log);
  auto& store = *reopened;
  REQUIRE(store.open().ok);

  auto alice = store.history({.user = "alice", .limit = 50});
  REQUIRE(alice.ok());
  REQUIRE(alice.value().size() == 2);
  CHECK(alice.value()[0].notification.id == first_id + 2);
  CHECK(alice.value()[0].notification.image_type == sdk::ImageType::png);
  CHECK(alice.value()[1].notification.data_json == R"({"k":1})");
  CHECK(alice.value()[1].deliveries.size() == 2);
  CHECK(alice.value()[1].deliveries[0].state == "pending");

  auto paged = store.history({.limit = 1, .before_id = first_id + 2});
  REQUIRE(paged.value().size() == 1);
  CHECK(paged.value()[0].notification.user == "bob");

  auto pending = store.pending("bot", 0, 10);
  REQUIRE(pending.value().size() == 3);
  CHECK(pending.value()[0].notification->id == first_id);
  CHECK(store.count_pending("console").value() == 3);

  std::promise<void> recorded;
  store.update_delivery(first_id, "bot", core::DeliveryState::delivered, 1, "", "");
  store.prune(0, 1000, completions(), [&](std::size_t) { recorded.set_value(); });
  recorded.get_future().get();
  CHECK(store.count_pending("bot").value() == 2);
  CHECK(store.pending("bot", first_id, 10).value().size() == 2);
}

TEST_CASE("the newest notification of a user from a source tells when a check last sent") {
  OpenStore s;
  CHECK(s.store.last_created_ms("alice", "disk").value() == 0);
  auto first = insert(s.store, "alice", std::nullopt, "disk");
  insert(s.store, "alice", std::nullopt, "api");
  insert(s.store, "bob", std::nullopt, "disk");
  CHECK(s.store.last_created_ms("alice", "disk").value() == first->created_at_ms);
  auto second = insert(s.store, "alice", std::nullopt, "disk");
  CHECK(s.store.last_created_ms("alice", "disk").value() == second->created_at_ms);
  CHECK(s.store.last_created_ms("carol", "disk").value() == 0);
}

TEST_CASE("a check keeps its newest runs, and retention removes old ones") {
  OpenStore open;
  auto& store = open.store;
  const auto run = [&](std::int64_t started_at_ms, std::string check = "disk") {
    sdk::RunRecord record;
    auto id = store.next_run_id();
    REQUIRE(id.ok());
    record.id = id.value();
    record.user = "alice";
    record.check = std::move(check);
    record.trigger = "schedule";
    record.started_at_ms = started_at_ms;
    record.outcome = "quiet";
    auto stored = std::make_shared<std::promise<sdk::Status>>();  // the writer may still hold it as this returns
    store.insert_run(record, 4, completions(), [stored](sdk::Status status) { stored->set_value(std::move(status)); });
    CHECK(stored->get_future().get().ok);
    return record.id;
  };
  const auto kept = [&](const std::string& check) {
    std::vector<std::uint64_t> ids;
    const auto runs = store.runs("alice", check, 100);
    for (const auto& r : runs.value()) ids.push_back(r.id);
    return ids;
  };
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(run(1'000 + i));
  const auto other = run(1'000, "load");
  CHECK(kept("disk") == std::vector<std::uint64_t>{ids[5], ids[4], ids[3], ids[2]});
  CHECK(kept("load") == std::vector<std::uint64_t>{other});

  std::promise<void> pruned;
  store.prune(1'005, 100, completions(), [&](std::size_t) { pruned.set_value(); });
  pruned.get_future().get();
  CHECK(kept("disk") == std::vector<std::uint64_t>{ids[5]});
  CHECK(kept("load").empty());
}

TEST_CASE("retention removes old delivered notifications and their images, never pending ones") {
  OpenStore open;
  auto& store = open.store;
  auto old_done = insert(store, "alice", sdk::ImageUpload{"GIF89a....", sdk::ImageType::gif});
  auto old_pending = insert(store, "alice");
  for (const auto& channel : {"bot", "console"}) {
    store.update_delivery(old_done->id, channel, core::DeliveryState::delivered, 1, "", "");
  }
  std::promise<std::size_t> removed;
  store.prune(old_pending->created_at_ms + 1, 1000, completions(), [&](std::size_t n) { removed.set_value(n); });
  CHECK(removed.get_future().get() == 1);
  CHECK_FALSE(std::filesystem::exists(old_done->image_path));
  CHECK_FALSE(store.find(old_done->id).ok());
  CHECK(store.find(old_pending->id).ok());
}

TEST_CASE("an insert is announced as committed before it is reported durable, and only when it commits") {
  OpenStore open;
  auto& store = open.store;
  const auto& dir = open.dir;

  std::mutex mutex;
  std::vector<std::string> events;
  std::promise<void> finished;
  sdk::Notification n;
  n.user = "alice";
  n.message = "m";
  store.insert(
      std::move(n), std::nullopt, {"bot"}, completions(),
      [&](sdk::Status status, std::shared_ptr<const sdk::Notification> stored) {
        std::lock_guard lock(mutex);
        events.push_back(std::string(status ? "done " : "failed ") + std::to_string(stored->id));
        finished.set_value();
      },
      [&](std::shared_ptr<const sdk::Notification> stored) {
        std::lock_guard lock(mutex);
        events.push_back("committed " + std::to_string(stored->id) + (store.find(stored->id).ok() ? " visible" : ""));
      });
  finished.get_future().get();
  CHECK(events == std::vector<std::string>{"committed 1 visible", "done 1"});

  // An image that cannot be written fails the insert: never announced as committed.
  std::filesystem::remove_all(dir.path() / "images");
  test::TempDir elsewhere;
  std::filesystem::create_symlink(elsewhere.path() / "missing", dir.path() / "images");
  events.clear();
  std::promise<void> failed;
  sdk::Notification with_image;
  with_image.user = "alice";
  with_image.message = "m";
  store.insert(
      std::move(with_image), sdk::ImageUpload{std::string("\x89PNG\r\n\x1a\nrest", 12), sdk::ImageType::png}, {"bot"}, completions(),
      [&](sdk::Status status, std::shared_ptr<const sdk::Notification>) {
        std::lock_guard lock(mutex);
        events.push_back(status ? "done" : "failed");
        failed.set_value();
      },
      [&](std::shared_ptr<const sdk::Notification>) {
        std::lock_guard lock(mutex);
        events.push_back("committed");
      });
  failed.get_future().get();
  CHECK(events == std::vector<std::string>{"failed"});
}

TEST_CASE("a burst of notifications keeps each its own id, image and channels") {
  OpenStore open;
  auto& store = open.store;
  constexpr int burst = 60;
  std::mutex mutex;
  std::vector<std::shared_ptr<const sdk::Notification>> stored(burst);
  std::promise<void> all_done;
  int done = 0;
  for (int i = 0; i < burst; ++i) {
    sdk::Notification n;
    n.user = "user" + std::to_string(i % 7);
    n.message = "message \"" + std::to_string(i) + "\" \\ {,}";
    std::optional<sdk::ImageUpload> image;
    if (i % 3 == 0) image = sdk::ImageUpload{"GIF89a" + std::string(static_cast<std::size_t>(i), '\0'), sdk::ImageType::gif};
    std::vector<std::string> channels{"bot"};
    if (i % 2 == 0) channels.push_back("console");
    store.insert(std::move(n), std::move(image), channels, completions(),
                 [&, i](sdk::Status status, std::shared_ptr<const sdk::Notification> result) {
                   REQUIRE(status.ok);
                   std::lock_guard lock(mutex);
                   stored[static_cast<std::size_t>(i)] = result;
                   if (++done == burst) all_done.set_value();
                 });
  }
  all_done.get_future().get();
  for (int i = 0; i < burst; ++i) {
    const auto& n = *stored[static_cast<std::size_t>(i)];
    if (i > 0) CHECK(n.id == stored[static_cast<std::size_t>(i - 1)]->id + 1);
    const auto entry = store.find(n.id);
    REQUIRE(entry.ok());
    CHECK(entry.value().notification.message == "message \"" + std::to_string(i) + "\" \\ {,}");
    CHECK(entry.value().notification.user == "user" + std::to_string(i % 7));
    CHECK(entry.value().deliveries.size() == (i % 2 == 0 ? 2u : 1u));
    if (i % 3 == 0) {
      CHECK(n.image_path == core::stored_image_file(open.dir.path() / "images", n.id, sdk::ImageType::gif).string());
      CHECK(std::filesystem::file_size(n.image_path) == 6u + static_cast<std::size_t>(i));
    } else {
      CHECK(n.image_path.empty());
    }
  }
  CHECK(store.count_pending("bot").value() == static_cast<std::uint64_t>(burst));
  CHECK(store.count_pending("console").value() == static_cast<std::uint64_t>(burst / 2));
}

TEST_CASE("delivery changes apply in order while the delivery is pending, and every attempt is kept") {
  OpenStore open;
  auto& store = open.store;
  auto retried = insert(store, "alice");
  auto failed = insert(store, "bob");
  // Queued together, so a store that groups writes sees them in one batch.
  store.update_delivery(retried->id, "bot", core::DeliveryState::pending, 1, "timeout", "retry");
  store.update_delivery(retried->id, "bot", core::DeliveryState::delivered, 2, "", "");
  store.update_delivery(failed->id, "bot", core::DeliveryState::failed, 1, "blocked", "permanent");
  store.update_delivery(failed->id, "bot", core::DeliveryState::pending, 2, "late", "retry");
  std::promise<void> written;
  store.after_queued_writes(completions(), [&] { written.set_value(); });
  written.get_future().get();

  const auto delivery = [&](std::uint64_t id, const std::string& channel) {
    const auto entry = store.find(id);
    for (const auto& d : entry.value().deliveries) {
      if (d.channel == channel) return d;
    }
    FAIL("no delivery on " << channel);
    return sdk::DeliveryRecord{};
  };
  CHECK(delivery(retried->id, "bot").state == "delivered");
  CHECK(delivery(retried->id, "bot").attempts == 2);
  CHECK(delivery(failed->id, "bot").state == "failed");
  CHECK(delivery(failed->id, "bot").last_error == "blocked");
  CHECK(delivery(failed->id, "console").state == "pending");
  std::vector<std::string> outcomes;
  const auto retried_entry = store.find(retried->id);
  for (const auto& a : retried_entry.value().attempts) outcomes.push_back(a.outcome + " " + a.error);
  std::sort(outcomes.begin(), outcomes.end());
  CHECK(outcomes == std::vector<std::string>{"delivered ", "retry timeout"});
  CHECK(store.find(failed->id).value().attempts.size() == 2);
  CHECK(store.pending("bot", 0, 10).value().empty());
}

namespace {

std::shared_ptr<const sdk::Notification> insert_labelled(core::NotificationStore& store, const std::string& message,
                                                         sdk::Priority priority, std::vector<std::string> tags) {
  std::promise<std::shared_ptr<const sdk::Notification>> stored;
  sdk::Notification n;
  n.user = "alice";
  n.message = message;
  n.priority = priority;
  n.tags = std::move(tags);
  store.insert(std::move(n), std::nullopt, {"bot"}, completions(),
               [&](sdk::Status status, std::shared_ptr<const sdk::Notification> result) {
                 REQUIRE(status.ok);
                 stored.set_value(result);
               });
  return stored.get_future().get();
}

std::vector<std::string> messages_of(const sdk::Result<std::vector<sdk::HistoryEntry>>& entries) {
  REQUIRE(entries.ok());
  std::vector<std::string> messages;
  for (const auto& entry : entries.value()) messages.push_back(entry.notification.message);
  return messages;
}

}  // namespace

TEST_CASE("priority and tags are kept, read back by history and pending, and filter history") {
  OpenStore s;
  insert_labelled(s.store, "weekly report", sdk::Priority::min, {"report"});
  insert_labelled(s.store, "plain", sdk::default_priority, {});
  insert_labelled(s.store, "disk 99%", sdk::Priority::urgent, {"disk", "prod", "ünïcode tag"});
  insert_labelled(s.store, "backup late", sdk::Priority::high, {"backup", "prod"});

  const auto all = s.store.history({.user = "alice", .limit = 50});
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 4);
  CHECK(all.value()[0].notification.priority == sdk::Priority::high);
  CHECK(all.value()[0].notification.tags == std::vector<std::string>{"backup", "prod"});
  CHECK(all.value()[1].notification.tags == std::vector<std::string>{"disk", "prod", "ünïcode tag"});
  CHECK(all.value()[2].notification.priority == sdk::default_priority);
  CHECK(all.value()[2].notification.tags.empty());
  CHECK(all.value()[3].notification.priority == sdk::Priority::min);

  const auto pending = s.store.pending("bot", 0, 10);
  REQUIRE(pending.ok());
  REQUIRE(pending.value().size() == 4);
  CHECK(pending.value()[2].notification->priority == sdk::Priority::urgent);
  CHECK(pending.value()[2].notification->tags == std::vector<std::string>{"disk", "prod", "ünïcode tag"});
  CHECK(s.store.find(pending.value()[0].notification->id).value().notification.tags ==
        std::vector<std::string>{"report"});

  sdk::HistoryQuery query{.user = "alice"};
  query.min_priority = sdk::Priority::high;
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"backup late", "disk 99%"});
  query.tag = "prod";
  query.min_priority = sdk::Priority::urgent;
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"disk 99%"});
  query.min_priority.reset();
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"backup late", "disk 99%"});
  query.limit = 1;
  query.before_id = all.value()[0].notification.id;
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"disk 99%"});
  query = {.user = "alice"};
  query.tag = "ünïcode tag";
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"disk 99%"});
  query.tag = "pro";
  CHECK(messages_of(s.store.history(query)).empty());
  query = {};
  query.min_priority = sdk::Priority::low;
  CHECK(messages_of(s.store.history(query)) == std::vector<std::string>{"backup late", "disk 99%", "plain"});
}
