#include <catch2/catch.hpp>

#include <string>

#include "history_text.hpp"

using namespace notifyctl;

namespace {

HistoryNotification disk_notification() {
  HistoryNotification notification;
  notification.id = 42;
  notification.user = "alice";
  notification.title = "Disk";
  notification.message = "/var is 95% full\nsecond line";
  notification.source = "disk_space";
  notification.created_at = "2024-05-01T12:00:00Z";
  notification.has_image = true;
  notification.deliveries = {{"console", "delivered", 1, ""}, {"bot", "pending", 3, "HTTP 502 from Bot API"}};
  return notification;
}

}  // namespace

TEST_CASE("a delivered channel shows just its state", "[history_text]") {
  CHECK(delivery_line({"console", "delivered", 1, ""}) == "console: delivered");
  CHECK(delivery_line({"console", "delivered", std::nullopt, ""}) == "console: delivered");
  CHECK(delivery_line({"bot", "delivered", 3, "old timeout"}) == "bot: delivered (after 3 attempts)");
}

TEST_CASE("an undelivered channel shows attempts and the last error", "[history_text]") {
  CHECK(delivery_line({"bot", "pending", 3, "timeout"}) == "bot: pending (3 attempts, last error: timeout)");
  CHECK(delivery_line({"bot", "pending", 1, ""}) == "bot: pending (1 attempt)");
  CHECK(delivery_line({"bot", "pending", 0, ""}) == "bot: pending");
  CHECK(delivery_line({"bot", "failed", std::nullopt, "blocked"}) == "bot: failed (last error: blocked)");
  CHECK(delivery_line({"", "", std::nullopt, ""}) == "?: unknown");
}

TEST_CASE("a long last error is cut and kept on one line", "[history_text]") {
  const std::string line = delivery_line({"bot", "failed", 2, std::string(300, 'e') + "\nmore"});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.ends_with("e\xE2\x80\xA6)"));
  CHECK(line.size() < 200);
}

TEST_CASE("history shows one block per notification", "[history_text]") {
  HistoryNotification older;
  older.id = 41;
  older.message = "backup done";
  older.created_at = "2024-05-01T11:00:00Z";
  older.deliveries = {{"console", "delivered", 1, ""}};

  HistoryPage page;
  page.notifications = {disk_notification(), older};
  page.next_before = 41;

  CHECK(history_text(page) ==
        "#42  2024-05-01T12:00:00Z  from disk_space  to alice  (with image)\n"
        "  Disk \xE2\x80\x94 /var is 95% full\xE2\x80\xA6\n"
        "  console: delivered\n"
        "  bot: pending (3 attempts, last error: HTTP 502 from Bot API)\n"
        "\n"
        "#41  2024-05-01T11:00:00Z\n"
        "  backup done\n"
        "  console: delivered\n"
        "\n"
        "older notifications: notifyctl history --before 41\n");
}

TEST_CASE("the summary is cut to 100 characters, counting UTF-8 characters", "[history_text]") {
  HistoryNotification notification;
  notification.id = 1;
  std::string message;
  for (int i = 0; i < 150; ++i) message += "\xC3\xA9";  // é
  notification.message = message;
  HistoryPage page;
  page.notifications = {notification};
  std::string expected_summary;
  for (int i = 0; i < 99; ++i) expected_summary += "\xC3\xA9";
  CHECK(history_text(page) == "#1\n  " + expected_summary + "\xE2\x80\xA6\n  no deliveries\n");
}

TEST_CASE("history neutralises terminal control sequences from the daemon", "[history_text]") {
  HistoryNotification notification = disk_notification();
  notification.title = "\x1b[31mred";
  notification.source = "evil\x07";
  HistoryPage page;
  page.notifications = {notification};
  const std::string text = history_text(page);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("\xEF\xBF\xBD[31mred") != std::string::npos);
}

TEST_CASE("history copes with missing fields and empty pages", "[history_text]") {
  CHECK(history_text(HistoryPage{}) == "no notifications\n");
  HistoryPage page;
  page.notifications = {HistoryNotification{}};
  CHECK(history_text(page) == "#?\n  (no text)\n  no deliveries\n");
}

TEST_CASE("a title alone, or a message that only has trailing newlines, has no ellipsis", "[history_text]") {
  HistoryNotification notification;
  notification.id = 7;
  notification.title = "Only a title";
  HistoryPage page;
  page.notifications = {notification};
  CHECK(history_text(page) == "#7\n  Only a title\n  no deliveries\n");

  page.notifications[0].title.clear();
  page.notifications[0].message = "one line\r\n\n";
  CHECK(history_text(page) == "#7\n  one line\n  no deliveries\n");
}
