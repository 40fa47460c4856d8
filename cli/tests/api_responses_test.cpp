#include <catch2/catch.hpp>

#include <string>

#include "api_responses.hpp"

using namespace notifyctl;

namespace {

template <typename T>
T decoded(std::variant<T, DecodeError> result) {
  if (const auto* error = std::get_if<DecodeError>(&result)) FAIL("unexpected decode error: " << error->message);
  return std::get<T>(std::move(result));
}

template <typename T>
std::string decode_error(std::variant<T, DecodeError> result) {
  if (!std::holds_alternative<DecodeError>(result)) FAIL("expected a decode error");
  return std::get<DecodeError>(result).message;
}

}  // namespace

TEST_CASE("the send receipt carries id, user and channel names", "[api_responses]") {
  const SendReceipt receipt = decoded(decode_send_receipt(R"({"id":42,"user":"alice","channels":["console","bot"]})"));
  CHECK(receipt.id == 42u);
  CHECK(receipt.user == "alice");
  CHECK(receipt.channels == std::vector<std::string>{"console", "bot"});

  const SendReceipt objects = decoded(decode_send_receipt(R"({"id":1,"channels":[{"channel":"bot"},7]})"));
  CHECK(objects.channels == std::vector<std::string>{"bot"});
}

TEST_CASE("history decodes notifications, deliveries and the paging id", "[api_responses]") {
  const HistoryPage page = decoded(decode_history_page(R"({
    "notifications": [{
      "id": 42, "user": "alice", "title": "Disk", "message": "full", "format": "markdown",
      "source": "disk_space", "data": {"pct": 95}, "image": true, "created_at": "2024-05-01T12:00:00Z",
      "deliveries": [{"channel": "bot", "state": "pending", "attempts": 3, "last_error": "timeout",
                      "updated_at": "2024-05-01T12:01:00Z"}],
      "attempts": [{"channel": "bot", "outcome": "retry"}]
    }],
    "next_before": 42
  })"));
  REQUIRE(page.notifications.size() == 1);
  const HistoryNotification& notification = page.notifications[0];
  CHECK(notification.id == 42u);
  CHECK(notification.user == "alice");
  CHECK(notification.title == "Disk");
  CHECK(notification.message == "full");
  CHECK(notification.source == "disk_space");
  CHECK(notification.created_at == "2024-05-01T12:00:00Z");
  CHECK(notification.has_image);
  REQUIRE(notification.deliveries.size() == 1);
  CHECK(notification.deliveries[0].channel == "bot");
  CHECK(notification.deliveries[0].state == "pending");
  CHECK(notification.deliveries[0].attempts == 3u);
  CHECK(notification.deliveries[0].last_error == "timeout");
  CHECK(page.next_before == 42u);
}

TEST_CASE("history tolerates mistyped and missing fields", "[api_responses]") {
  const HistoryPage page = decoded(decode_history_page(R"({
    "notifications": [5, {"id": "x", "title": 3, "image": "yes", "created_at": 1714564800000,
                          "deliveries": {"not": "a list"}}],
    "next_before": null
  })"));
  REQUIRE(page.notifications.size() == 1);
  CHECK_FALSE(page.notifications[0].id);
  CHECK(page.notifications[0].title.empty());
  CHECK_FALSE(page.notifications[0].has_image);
  CHECK(page.notifications[0].created_at == "2024-05-01T12:00:00Z");
  CHECK(page.notifications[0].deliveries.empty());
  CHECK_FALSE(page.next_before);
}

TEST_CASE("bodies that are not the expected JSON object are decode errors", "[api_responses]") {
  CHECK(decode_error(decode_history_page("")).starts_with("invalid JSON from notifyd: "));
  CHECK(decode_error(decode_history_page("{\"notifications\": [")).starts_with("invalid JSON from notifyd: "));
  CHECK(decode_error(decode_history_page("[]")) == "unexpected answer from notifyd: not a JSON object");
  CHECK(decode_error(decode_history_page("{}")) == "unexpected answer from notifyd: no \"notifications\" list");
  CHECK(decode_error(decode_health_report("<html>")).starts_with("invalid JSON from notifyd: "));
  CHECK(decode_error(decode_send_receipt("null")) == "unexpected answer from notifyd: not a JSON object");
}

TEST_CASE("deeply nested JSON is decoded without exhausting the stack", "[api_responses]") {
  const std::string deep = "{\"notifications\":[],\"x\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(decoded(decode_history_page(deep)).notifications.empty());
}

TEST_CASE("pretty JSON gives up on depths nobody can read", "[api_responses]") {
  CHECK(pretty_json(std::string(64, '[') + std::string(64, ']')).has_value());
  CHECK_FALSE(pretty_json(std::string(65, '[') + std::string(65, ']')));
  CHECK_FALSE(pretty_json(std::string(200000, '[') + std::string(200000, ']')));
  CHECK_FALSE(pretty_json("{\"a\":"));
}

TEST_CASE("health decodes the status and per-channel counts", "[api_responses]") {
  const HealthReport report = decoded(decode_health_report(
      R"({"status":"ok","channels":[{"channel":"bot","pending":1,"in_flight":2,"retrying":3,"delivered":4,"failed":5},
                                     {"channel":"console","pending":-1}]})"));
  CHECK(report.status == "ok");
  REQUIRE(report.channels.size() == 2);
  CHECK(report.channels[0].pending == 1u);
  CHECK(report.channels[0].in_flight == 2u);
  CHECK(report.channels[0].retrying == 3u);
  CHECK(report.channels[0].delivered == 4u);
  CHECK(report.channels[0].failed == 5u);
  CHECK(report.channels[0].figures.empty());
  CHECK(report.channels[0].state.empty());
  CHECK_FALSE(report.channels[1].pending);
}

TEST_CASE("health keeps a channel's own counts beside the queue's", "[api_responses]") {
  const HealthReport report = decoded(decode_health_report(
      R"({"status":"ok","channels":[{"channel":"desktop","pending":0,"in_flight":0,"retrying":0,"delivered":9,)"
      R"("failed":0,"expired":4,"state":"ok","last_error":"no desktop app connected",)"
      R"("figures":{"connections":3,"users":2,"note":"x","frames_sent":-1}}]})"));
  REQUIRE(report.channels.size() == 1);
  using Figure = std::pair<std::string, std::uint64_t>;
  CHECK(report.channels[0].figures == std::vector<Figure>{{"connections", 3}, {"users", 2}});
  CHECK(report.channels[0].state == "ok");
  CHECK(report.channels[0].last_error == "no desktop app connected");
}

TEST_CASE("a refusal is described by the daemon's error message and the status", "[api_responses]") {
  CHECK(describe_refusal(404, "Not Found", R"({"error":"user alice is not linked"})") ==
        "user alice is not linked (HTTP 404)");
  CHECK(describe_refusal(500, "Internal Server Error", "{}") == "Internal Server Error (HTTP 500)");
  CHECK(describe_refusal(502, "Bad Gateway", "upstream died\nstack trace") == "upstream died (HTTP 502)");
  CHECK(describe_refusal(403, "", "") == "request refused (HTTP 403)");
  CHECK(describe_refusal(400, "Bad Request", R"({"error":"bad\u001b[0m"})") == "bad\xEF\xBF\xBD[0m (HTTP 400)");
  CHECK(describe_refusal(400, "Bad Request", "[\"error\"]") == "Bad Request (HTTP 400)");
}

TEST_CASE("the check list decodes runs, times and nulls", "[api_responses]") {
  const CheckList list = decoded(decode_check_list(R"({"checks":[
    {"name":"disk","user":"alice","schedule":"*/5 * * * *","origin":"/home/alice/user/notifications/disk.py",
     "timeout_ms":60000,
     "last_run":{"id":7,"check":"disk","user":"alice","trigger":"schedule","started_at":"2025-11-25T14:09:41.123Z",
                 "duration_ms":812,"exit_code":1,"outcome":"failed","detail":"exit status 1","stderr":"boom\n",
                 "notification_id":null},
     "last_sent":null,"next_run":"2025-11-25T14:15:00.000Z"},
    {"name":"fresh","user":"alice","last_run":null,"last_sent":null,"next_run":null},
    "not an object"]})"));
  REQUIRE(list.checks.size() == 2);
  const CheckEntry& disk = list.checks[0];
  CHECK(disk.name == "disk");
  CHECK(disk.schedule == "*/5 * * * *");
  REQUIRE(disk.last_run);
  CHECK(disk.last_run->id == 7u);
  CHECK(disk.last_run->exit_code == 1);
  CHECK(disk.last_run->duration_ms == 812);
  CHECK(disk.last_run->outcome == "failed");
  CHECK(disk.last_run->stderr_text == "boom\n");
  CHECK_FALSE(disk.last_run->notification_id);
  CHECK(disk.last_sent.empty());
  CHECK(disk.next_run == "2025-11-25T14:15:00.000Z");
  CHECK_FALSE(list.checks[1].last_run);
  CHECK(decode_error(decode_check_list(R"({"runs":[]})")) == "unexpected answer from notifyd: no \"checks\" list");
}

TEST_CASE("a run report and a run list decode", "[api_responses]") {
  const RunReport report = decoded(decode_run_report(
      R"({"run":{"id":9,"check":"disk","outcome":"notified","notification_id":42,"exit_code":0},"notification":null})"));
  CHECK(report.run.outcome == "notified");
  CHECK(report.run.notification_id == 42u);
  CHECK(decode_error(decode_run_report(R"({"run":null})")) == "unexpected answer from notifyd: no \"run\" object");
  const RunList list = decoded(decode_run_list(R"({"runs":[{"id":2},{"id":1}]})"));
  CHECK(list.runs.size() == 2);
  CHECK(decode_error(decode_run_list("[]")) == "unexpected answer from notifyd: not a JSON object");
}
