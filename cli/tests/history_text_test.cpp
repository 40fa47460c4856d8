#include <catch2/catch.hpp>

#include <string>

#include "history_text.hpp"
#include "notifyd/sdk/utc_time.hpp"

using namespace notifyctl;

namespace {

using notifyd::sdk::DeliveryRecord;
using notifyd::sdk::HistoryEntry;

HistoryEntry disk_notification() {
  HistoryEntry entry;
  auto& notification = entry.notification;
  notification.id = 42;
  notification.user = "alice";
  notification.title = "Disk";
  notification.message = "/var is 95% full\nsecond line";
  notification.source = "disk_space";
  notification.created_at_ms = *notifyd::sdk::parse_utc_timestamp("2024-05-01T12:00:00Z");
  notification.image_path = "/var/lib/notifyd/images/42.png";
  entry.deliveries = {{"console", "delivered", 1, "", 0}, {"bot", "pending", 3, "HTTP 502 from Bot API", 0}};
  return entry;
}

}  // namespace

TEST_CASE("a delivered channel shows just its state", "[history_text]") {
  CHECK(delivery_line({"console", "delivered", 1, "", 0}) == "console: delivered");
  CHECK(delivery_line({"console", "delivered", 0, "", 0}) == "console: delivered");
  CHECK(delivery_line({"bot", "delivered", 3, "old timeout", 0}) == "bot: delivered (after 3 attempts)");
}

TEST_CASE("an undelivered channel shows attempts and the last error", "[history_text]") {
  CHECK(delivery_line({"bot", "pending", 3, "timeout", 0}) == "bot: pending (3 attempts, last error: timeout)");
  CHECK(delivery_line({"bot", "pending", 1, "", 0}) == "bot: pending (1 attempt)");
  CHECK(delivery_line({"bot", "pending", 0, "", 0}) == "bot: pending");
  CHECK(delivery_line({"bot", "failed", 0, "blocked", 0}) == "bot: failed (last error: blocked)");
  CHECK(delivery_line({"", "", 0, "", 0}) == "?: unknown");
}

TEST_CASE("a long last error is cut and kept on one line", "[history_text]") {
  const std::string line = delivery_line({"bot", "failed", 2, std::string(300, 'e') + "\nmore", 0});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.ends_with("e\xE2\x80\xA6)"));
  CHECK(line.size() < 200);
}

TEST_CASE("history shows one block per notification", "[history_text]") {
  HistoryEntry older;
  older.notification.id = 41;
  older.notification.message = "backup done";
  older.notification.created_at_ms = *notifyd::sdk::parse_utc_timestamp("2024-05-01T11:00:00Z");
  older.deliveries = {{"console", "delivered", 1, "", 0}};

  HistoryPage page;
  page.notifications = {disk_notification(), older};
  page.next_before = 41;

  CHECK(history_text(page) ==
        "#42  2024-05-01T12:00:00.000Z  from disk_space  to alice  (with image)\n"
        "  Disk \xE2\x80\x94 /var is 95% full\xE2\x80\xA6\n"
        "  console: delivered\n"
        "  bot: pending (3 attempts, last error: HTTP 502 from Bot API)\n"
        "\n"
        "#41  2024-05-01T11:00:00.000Z\n"
        "  backup done\n"
        "  console: delivered\n"
        "\n"
        "older notifications: notifyctl history --before 41\n");
}

TEST_CASE("the summary is cut to 100 characters, counting UTF-8 characters", "[history_text]") {
  HistoryEntry entry;
  entry.notification.id = 1;
  std::string message;
  for (int i = 0; i < 150; ++i) message += "\xC3\xA9";  // é
  entry.notification.message = message;
  HistoryPage page;
  page.notifications = {entry};
  std::string expected_summary;
  for (int i = 0; i < 99; ++i) expected_summary += "\xC3\xA9";
  CHECK(history_text(page) == "#1\n  " + expected_summary + "\xE2\x80\xA6\n  no deliveries\n");
}

TEST_CASE("history neutralises terminal control sequences from the daemon", "[history_text]") {
  HistoryEntry entry = disk_notification();
  entry.notification.title = "\x1b[31mred";
  entry.notification.source = "evil\x07";
  HistoryPage page;
  page.notifications = {entry};
  const std::string text = history_text(page);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("\xEF\xBF\xBD[31mred") != std::string::npos);
}

TEST_CASE("history copes with missing fields and empty pages", "[history_text]") {
  CHECK(history_text(HistoryPage{}) == "no notifications\n");
  HistoryPage page;
  page.notifications = {HistoryEntry{}};
  CHECK(history_text(page) == "#?\n  (no text)\n  no deliveries\n");
}

TEST_CASE("a title alone, or a message that only has trailing newlines, has no ellipsis", "[history_text]") {
  HistoryEntry entry;
  entry.notification.id = 7;
  entry.notification.title = "Only a title";
  HistoryPage page;
  page.notifications = {entry};
  CHECK(history_text(page) == "#7\n  Only a title\n  no deliveries\n");

  page.notifications[0].notification.title.clear();
  page.notifications[0].notification.message = "one line\r\n\n";
  CHECK(history_text(page) == "#7\n  one line\n  no deliveries\n");
}

TEST_CASE("history shows a priority other than the default and the tags, and pages with the filters",
          "[history_text]") {
  HistoryEntry entry;
  entry.notification.id = 7;
  entry.notification.message = "disk 99%";
  entry.notification.priority = notifyd::sdk::Priority::urgent;
  entry.notification.tags = {"disk", "prod\x1b[31m"};
  entry.deliveries = {{"bot", "delivered", 1, "", 0}};
  HistoryPage page;
  page.notifications = {entry};
  page.next_before = 7;
  const std::string filters = history_filter_options(notifyd::sdk::Priority::high, "disk full");
  CHECK(filters == " --min-priority high --tag 'disk full'");
  CHECK(history_text(page, filters) ==
        "#7  priority urgent  [disk, prod\xEF\xBF\xBD[31m]\n"
        "  disk 99%\n"
        "  bot: delivered\n"
        "\n"
        "older notifications: notifyctl history --before 7 --min-priority high --tag 'disk full'\n");
  CHECK(history_filter_options(std::nullopt, "").empty());
  CHECK(history_filter_options(std::nullopt, "it's") == " --tag 'it'\\''s'");
  CHECK(history_filter_options(std::nullopt, "backup") == " --tag backup");
}
