#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>

#include "builtin_routes.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using notifyd::socket_api::testing::FakeNotifications;
using notifyd::socket_api::testing::TempDir;

namespace {

struct RouteFixture {
  TempDir photos;
  FakeNotifications notifications;
  notifyd::testing::MemoryDocuments documents;
  notifyd::testing::FakeCoordination coordination{documents};
  BuiltinRoutes routes{notifications, coordination, PhotoPolicy{{photos.path()}, 1 << 20}, 1 << 20};

  // Serves one request and waits for its answer (which may come from another thread).
  sdk::HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                         sdk::Caller caller = {"alice", false}, std::map<std::string, std::string, std::less<>> query = {}) {
    const auto match = routes.find(method, path);
    REQUIRE(match.handler);
    sdk::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.query = std::move(query);
    request.caller = std::move(caller);
    auto promise = std::make_shared<std::promise<sdk::HttpResponse>>();
    auto future = promise->get_future();
    routes.serve(match, std::move(request), sdk::http::PeerCredentials{::getpid(), ::geteuid(), ::getegid(), {}},
                 [promise](sdk::HttpResponse response) { promise->set_value(std::move(response)); });
    REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    return future.get();
  }
};

}  // namespace

TEST_CASE("built-in routes are found by method and path") {
  RouteFixture f;
  CHECK(f.routes.find("GET", "/health").handler);
  CHECK(f.routes.find("POST", "/send").handler);
  CHECK(f.routes.find("POST", "/send_photo").handler);
  CHECK(f.routes.find("POST", "/v1/notify").handler);
  CHECK(f.routes.find("GET", "/v1/history").handler);
  CHECK(f.routes.find("GET", "/v1/health").handler);

  auto wrong_method = f.routes.find("GET", "/send");
  CHECK_FALSE(wrong_method.handler);
  CHECK(wrong_method.path_known);
  CHECK(wrong_method.allow == "POST");

  auto unknown = f.routes.find("GET", "/api/telegram/verify");
  CHECK_FALSE(unknown.handler);
  CHECK_FALSE(unknown.path_known);
}

TEST_CASE("GET /health") {
  RouteFixture f;
  auto response = f.call("GET", "/health");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"status":"ok"})");
}

TEST_CASE("POST /send publishes and answers with the outcome") {
  RouteFixture f;
  auto response = f.call("POST", "/send", R"({"user":"alice","text":"hello","parse_mode":"HTML"})");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"ok":true,"id":42,"channels":["bot","desk"]})");
  const auto published = f.notifications.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].notification.user == "alice");
  CHECK(published[0].notification.message == "hello");
  CHECK(published[0].notification.format == sdk::TextFormat::html);
  CHECK(published[0].notification.source == "api");

  f.notifications.outcome = {sdk::PublishOutcome::Code::not_linked, 0, {}, ""};
  auto not_linked = f.call("POST", "/send", R"({"user":"alice","text":"hello"})");
  CHECK(not_linked.status == 404);
  CHECK(not_linked.body == R"({"error":"user alice has no linked channel"})");

  f.notifications.outcome = {sdk::PublishOutcome::Code::unavailable, 0, {}, "disk full"};
  CHECK(f.call("POST", "/send", R"({"user":"alice","text":"hello"})").status == 503);
}

TEST_CASE("POST /send for someone else is 403 unless the caller is an admin") {
  RouteFixture f;
  auto refused = f.call("POST", "/send", R"({"user":"bob","text":"hi"})");
  CHECK(refused.status == 403);
  CHECK(refused.body == R"({"error":"alice may only send to itself"})");
  CHECK(f.notifications.published().empty());

  CHECK(f.call("POST", "/send", R"({"user":"bob","text":"hi"})", {"ops", true}).status == 200);
  CHECK(f.notifications.published().size() == 1);
}

TEST_CASE("POST /send checks the body before the caller") {
  RouteFixture f;
  CHECK(f.call("POST", "/send", "{").body == R"({"error":"invalid JSON"})");
  CHECK(f.call("POST", "/send", R"({"user":"bob"})").body == R"({"error":"missing field: text"})");
}

TEST_CASE("POST /send_photo reads the photo and publishes it with the caption") {
  RouteFixture f;
  const auto path = f.photos / "chart.png";
  std::ofstream(path, std::ios::binary) << notifyd::testing::png_bytes;

  auto response = f.call("POST", "/send_photo", R"({"user":"alice","photo_path":")" + path.string() + R"(","caption":"Q3"})");
  CHECK(response.status == 200);
  auto published = f.notifications.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].notification.message == "Q3");
  REQUIRE(published[0].image);
  CHECK(published[0].image->bytes == notifyd::testing::png_bytes);
  CHECK(published[0].image->type == sdk::ImageType::png);

  // No caption is fine.
  CHECK(f.call("POST", "/send_photo", R"({"user":"alice","photo_path":")" + path.string() + R"("})").status == 200);

  CHECK(f.call("POST", "/send_photo", R"({"user":"alice","photo_path":"/etc/passwd"})").status == 403);
  CHECK(f.call("POST", "/send_photo", R"({"user":"bob","photo_path":")" + path.string() + R"("})").status == 403);
  CHECK(f.notifications.published().size() == 2);
}

TEST_CASE("POST /v1/notify publishes every field") {
  RouteFixture f;
  auto response = f.call("POST", "/v1/notify",
                         R"({"user":"alice","title":"T","message":"M","data":{"k":1},"channels":["desk"]})");
  CHECK(response.status == 200);
  auto published = f.notifications.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].notification.title == "T");
  CHECK(published[0].notification.data_json == R"({"k":1})");
  CHECK(published[0].channels == std::vector<std::string>{"desk"});
  CHECK(f.call("POST", "/v1/notify", R"({"user":"bob","message":"M"})").status == 403);
}

TEST_CASE("GET /v1/history queries the caller's history") {
  RouteFixture f;
  sdk::HistoryEntry entry;
  entry.notification.id = 5;
  entry.notification.user = "alice";
  entry.notification.message = "m";
  f.notifications.entries = {entry};

  auto response = f.call("GET", "/v1/history", {}, {"alice", false}, {{"limit", "1"}});
  CHECK(response.status == 200);
  CHECK(response.body.find(R"("id":5)") != std::string::npos);
  CHECK(response.body.ends_with(R"("next_before":5})"));
  const auto query = f.notifications.last_query();
  REQUIRE(query);
  CHECK(query->user == "alice");
  CHECK(query->limit == 1);

  CHECK(f.call("GET", "/v1/history", {}, {"alice", false}, {{"user", "bob"}}).status == 403);
  CHECK(f.call("GET", "/v1/history", {}, {"alice", false}, {{"limit", "x"}}).status == 400);

  f.notifications.history_fails = true;
  auto failed = f.call("GET", "/v1/history");
  CHECK(failed.status == 503);
  CHECK(failed.body == R"({"error":"database is locked"})");
}

TEST_CASE("GET /v1/health lists the channels") {
  RouteFixture f;
  f.notifications.channels = {{"bot", 1, 0, 0, 3, 0, "", "", {}}};
  auto response = f.call("GET", "/v1/health");
  CHECK(response.status == 200);
  CHECK(response.body.starts_with(
      R"({"status":"ok","channels":[{"channel":"bot","pending":1,"in_flight":0,"retrying":0,"delivered":3,"failed":0,)"
      R"("leads":true}],"cluster":{"backend":"local","replica":"test-host:1",)"));
  CHECK(response.body.find(R"("replicas":[{"name":"test-host:1","host_group":"test-host","version":"test",)")
        != std::string::npos);
}
