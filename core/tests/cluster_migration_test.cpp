#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <future>

#include <boost/asio/thread_pool.hpp>

#include "cluster_migration.hpp"
#include "log_sink.hpp"
#include "notifyd/sdk/api/check_codecs.hpp"
#include "notifyd/sdk/api/history_codecs.hpp"
#include "pg_notification_store.hpp"
#include "pg_test_support.hpp"
#include "sqlite_notification_store.hpp"
#include "sqlite_schema.hpp"
#include "test_support.hpp"

// import_data_dir and export_data_dir against the fixture's PostgreSQL: a
// store's history, runs and documents come back equal after the round trip,
// and are what a PostgreSQL store serves in between.

using namespace notifyd;
namespace fs = std::filesystem;

namespace {

const std::string png("\x89PNG\r\n\x1a\n-image-bytes", 20);

boost::asio::any_io_executor completions() {
  static boost::asio::thread_pool pool(1);
  return pool.get_executor();
}

std::uint64_t insert(core::NotificationStore& store, const std::string& title, bool with_image) {
  std::promise<std::uint64_t> stored;
  sdk::Notification n;
  n.user = "alice";
  n.title = title;
  n.message = "m " + title;
  n.data_json = R"({"k":1})";
  if (title == "chart") {
    n.priority = sdk::Priority::urgent;
    n.tags = {"sales", "q4 \"eu\"", "ünï"};
  } else if (title == "third") {
    n.priority = sdk::Priority::min;
  }
  std::optional<sdk::ImageUpload> image;
  if (with_image) image = sdk::ImageUpload{png, sdk::ImageType::png};
  store.insert(std::move(n), std::move(image), {"bot", "console"}, completions(),
               [&](sdk::Status status, std::shared_ptr<const sdk::Notification> result) {
                 REQUIRE(status.ok);
                 stored.set_value(result->id);
               });
  return stored.get_future().get();
}

void insert_run(core::NotificationStore& store, std::optional<int> exit_code, std::uint64_t notification) {
  sdk::RunRecord run;
  run.id = store.next_run_id().value();
  run.user = "alice";
  run.check = "disk";
  run.trigger = "schedule";
  run.started_at_ms = 1764583200000 + static_cast<std::int64_t>(run.id);
  run.duration_ms = 12;
  run.exit_code = exit_code;
  run.outcome = exit_code ? "notified" : "timeout";
  run.detail = "d";
  run.stderr_tail = "e";
  run.notification_id = notification;
  std::promise<void> done;
  store.insert_run(run, 100, completions(), [&](sdk::Status status) {
    REQUIRE(status.ok);
    done.set_value();
  });
  done.get_future().get();
}

// What a store serves, with image paths reduced to whether there is an image.
std::string served(core::NotificationStore& store) {
  sdk::HistoryQuery query;
  query.limit = 500;
  auto history = store.history(query);
  REQUIRE(history.ok());
  std::string text;
  for (auto& entry : history.value()) {
    entry.notification.image_path = entry.notification.image_path.empty() ? "" : "image";
    text += sdk::api::to_json(entry) + "\n";
  }
  auto runs = store.runs("alice", "", 500);
  REQUIRE(runs.ok());
  for (const auto& run : runs.value()) text += sdk::api::to_json(run) + "\n";
  return text;
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a data directory goes into PostgreSQL and back with ids, states, images and documents", "[cluster]") {
  test::Loop loop;
  test::TestDatabase database(loop);
  test::TempDir source, images, returned_parent;
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  std::string before;
  std::uint64_t image_id = 0;
  {
    core::SqliteNotificationStore store(source.path(), log);
    REQUIRE(store.open().ok);
    const auto first = insert(store, "first", false);
    image_id = insert(store, "chart", true);
    const auto third = insert(store, "third", false);
    store.update_delivery(first, "bot", core::DeliveryState::pending, 2, "429", "retry");
    store.update_delivery(first, "bot", core::DeliveryState::delivered, 3, "", "delivered");
    store.update_delivery(image_id, "console", core::DeliveryState::expired, 1, "too old", "expired");
    store.update_delivery(third, "bot", core::DeliveryState::failed, 1, "blocked", "permanent");
    insert_run(store, std::nullopt, 0);
    insert_run(store, 0, first);
    store.close();
    before = served(store);
  }
  CHECK(before.find(R"("priority":5,"tags":["sales","q4 \"eu\"","ünï"])") != std::string::npos);
  CHECK(before.find(R"("priority":1,"tags":[])") != std::string::npos);
  fs::create_directories(source.path() / "cooldowns/alice");
  std::ofstream(source.path() / "cooldowns/alice/disk.json") << R"({"last_sent": 1764583200})";
  std::ofstream(source.path() / "telegram_users.json", std::ios::binary) << std::string("{\"alice\":\0}", 11);

  core::PgSession db(database.dsn());
  auto imported = core::import_data_dir(source.path(), db, false);
  REQUIRE(imported.ok());
  CHECK(imported.value().store.notifications == 3);
  CHECK(imported.value().store.images == 1);
  CHECK(imported.value().store.deliveries == 6);
  CHECK(imported.value().store.attempts == 4);
  CHECK(imported.value().store.runs == 2);
  CHECK(imported.value().documents == std::vector<std::string>{"cooldowns/alice/disk.json", "telegram_users.json"});

  {
    core::PgNotificationStore replica(database.dsn(), images.path(), log);
    REQUIRE(replica.open().ok);
    CHECK(served(replica) == before);
    CHECK(insert(replica, "next", false) == 4);
    CHECK(replica.next_run_id().value() == 3);
  }

  const fs::path target = returned_parent.path() / "data";
  auto exported = core::export_data_dir(db, target, {0660, std::nullopt, ""}, log);
  REQUIRE(exported.ok());
  CHECK(exported.value().store.notifications == 4);
  CHECK(file_text(target / "telegram_users.json") == std::string("{\"alice\":\0}", 11));
  CHECK(file_text(target / "cooldowns/alice/disk.json") == R"({"last_sent": 1764583200})");
  CHECK((fs::status(target / "telegram_users.json").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::group_write));
  CHECK(file_text(target / "images" / (std::to_string(image_id) + ".png")) == png);
  {
    core::SqliteNotificationStore returned(target, log);
    REQUIRE(returned.open().ok);
    const std::string after = served(returned);
    CHECK(after.substr(after.find("\"id\":3,")) == before.substr(before.find("\"id\":3,")));
    auto image = returned.find(image_id);
    REQUIRE(image.ok());
    CHECK(image.value().notification.image_path == (target / "images" / (std::to_string(image_id) + ".png")).string());
  }

  auto again = core::import_data_dir(source.path(), db, false);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() ==
        "the database already holds 4 notifications, 2 runs and 2 documents: import into an empty database, or give "
        "--replace to delete them first");
  auto replaced = core::import_data_dir(source.path(), db, true);
  REQUIRE(replaced.ok());
  core::PgNotificationStore replica(database.dsn(), images.path(), log);
  REQUIRE(replica.open().ok);
  CHECK(served(replica) == before);
}

TEST_CASE("a data directory of a notifyd from before priorities goes into PostgreSQL as default and untagged",
          "[cluster]") {
  test::Loop loop;
  test::TestDatabase database(loop);
  test::TempDir source, images;
  {
    core::SqliteDb store;
    REQUIRE(store.open((source.path() / "notifyd.db").string(), false).ok);
    const std::vector<core::SqliteMigration> first_only{core::sqlite_migrations().front()};
    REQUIRE(core::migrate_sqlite_schema(store, first_only).ok());
    REQUIRE(store.exec("PRAGMA user_version = 0").ok);
    REQUIRE(store.exec("INSERT INTO notifications(id, user, title, message, format, source, data, image_path, "
                       "image_type, created_at) VALUES (3, 'alice', 't', 'from before', 1, 'disk', '', '', '', "
                       "1764583200000)")
                .ok);
  }
  core::PgSession db(database.dsn());
  auto imported = core::import_data_dir(source.path(), db, false);
  REQUIRE(imported.ok());
  CHECK(imported.value().store.notifications == 1);
  core::LogSink sink;
  core::PrefixedLogger log(sink, "test");
  core::PgNotificationStore replica(database.dsn(), images.path(), log);
  REQUIRE(replica.open().ok);
  const auto entry = replica.find(3);
  REQUIRE(entry.ok());
  CHECK(entry.value().notification.message == "from before");
  CHECK(entry.value().notification.priority == sdk::default_priority);
  CHECK(entry.value().notification.tags.empty());
}
