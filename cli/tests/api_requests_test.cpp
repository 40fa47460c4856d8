#include <catch2/catch.hpp>

#include <string>

#include "api_requests.hpp"

using namespace notifyctl;

TEST_CASE("the notify body carries the given fields and a base64 image", "[api_requests]") {
  NotifyFields fields;
  fields.user = "alice";
  fields.title = "Disk \"var\"";
  fields.message = "line 1\nline 2";
  fields.format = "markdown";
  fields.source = "cron";
  fields.image_bytes = std::string("\x89PNG", 4);
  const auto body = notify_request_body(fields);
  REQUIRE(std::holds_alternative<std::string>(body));
  CHECK(std::get<std::string>(body) ==
        R"({"user":"alice","title":"Disk \"var\"","message":"line 1\nline 2","format":"markdown",)"
        R"("source":"cron","image":"iVBORw=="})");
}

TEST_CASE("the notify body leaves out absent fields", "[api_requests]") {
  NotifyFields fields;
  fields.message = "hi";
  CHECK(std::get<std::string>(notify_request_body(fields)) == R"({"message":"hi"})");
}

TEST_CASE("text that is not UTF-8 is refused before sending", "[api_requests]") {
  NotifyFields fields;
  fields.message = "ok";
  fields.title = "\xff\xfe";
  const auto body = notify_request_body(fields);
  REQUIRE(std::holds_alternative<InvalidInput>(body));
  CHECK(std::get<InvalidInput>(body).message == "title is not valid UTF-8");
}

TEST_CASE("history targets encode their parameters", "[api_requests]") {
  CHECK(history_request_target(std::nullopt, std::nullopt, std::nullopt) == "/v1/history");
  CHECK(history_request_target(std::string("alice"), 5u, 41u) == "/v1/history?user=alice&limit=5&before=41");
  CHECK(history_request_target(std::string("a b&c=d/é"), std::nullopt, 7u) ==
        "/v1/history?user=a%20b%26c%3Dd%2F%C3%A9&before=7");
}

TEST_CASE("history targets carry the priority filter by name and the tag encoded", "[api_requests]") {
  CHECK(history_request_target(std::nullopt, std::nullopt, std::nullopt, notifyd::sdk::Priority::high, "disk full") ==
        "/v1/history?min_priority=high&tag=disk%20full");
  CHECK(history_request_target(std::string("bob"), 5u, std::nullopt, notifyd::sdk::Priority::normal, "") ==
        "/v1/history?user=bob&limit=5&min_priority=default");
}

TEST_CASE("a chosen priority and tags go into the bodies; the defaults are left out", "[api_requests]") {
  NotifyFields fields;
  fields.message = "m";
  fields.labels = {notifyd::sdk::Priority::urgent, {"disk", "prod"}};
  CHECK(std::get<std::string>(notify_request_body(fields)) ==
        R"({"message":"m","priority":5,"tags":["disk","prod"]})");
  const NotificationLabels low{notifyd::sdk::Priority::low, {"report"}};
  CHECK(std::get<std::string>(send_request_body("alice", "t", low)) ==
        R"({"user":"alice","text":"t","parse_mode":"Markdown","priority":2,"tags":["report"]})");
  const NotificationLabels high{notifyd::sdk::Priority::high, {}};
  CHECK(std::get<std::string>(send_photo_request_body("alice", "/tmp/c.png", "cap", high)) ==
        R"({"user":"alice","photo_path":"/tmp/c.png","caption":"cap","parse_mode":"Markdown","priority":4})");
  CHECK(std::get<InvalidInput>(send_request_body("alice", "t", {notifyd::sdk::default_priority, {"\xff"}})).message ==
        "a tag is not valid UTF-8");
}

TEST_CASE("percent-encoding keeps only unreserved characters", "[api_requests]") {
  CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode("+?#%") == "%2B%3F%23%25");
  CHECK(percent_encode(std::string("\0", 1)) == "%00");
}

TEST_CASE("check targets encode the name and parameters", "[api_requests]") {
  CHECK(checks_request_target(std::nullopt) == "/v1/checks");
  CHECK(checks_request_target(std::string("al ice")) == "/v1/checks?user=al%20ice");
  CHECK(run_request_target("revenue drop?", std::nullopt) == "/v1/checks/revenue%20drop%3F/run");
  CHECK(run_request_target("disk", std::string("bob")) == "/v1/checks/disk/run?user=bob");
  CHECK(runs_request_target("disk", std::nullopt, 5u) == "/v1/checks/disk/runs?limit=5");
  CHECK(runs_request_target("disk", std::string("bob"), std::nullopt) == "/v1/checks/disk/runs?user=bob");
}

TEST_CASE("the seed runner's text puts the title in bold above the message", "[api_requests]") {
  CHECK(seed_text("Revenue dropped 25%", "Today: $45k") == "*Revenue dropped 25%*\nToday: $45k");
  CHECK(seed_text("Disk full", "") == "*Disk full*");
  CHECK(seed_text("", "just the message") == "just the message");
  CHECK(seed_text("", "").empty());
}

TEST_CASE("the seed's send bodies", "[api_requests]") {
  CHECK(std::get<std::string>(send_request_body("alice", "*T*\n\nm")) ==
        R"({"user":"alice","text":"*T*\n\nm","parse_mode":"Markdown"})");
  CHECK(std::get<std::string>(send_photo_request_body("alice", "/tmp/c.png", "cap")) ==
        R"({"user":"alice","photo_path":"/tmp/c.png","caption":"cap","parse_mode":"Markdown"})");
  CHECK(std::get<InvalidInput>(send_request_body("alice", "\xff")).message == "the message is not valid UTF-8");
}
