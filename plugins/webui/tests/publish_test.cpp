// Publishing with an API token: the headers and bodies mapped onto the socket
// API's /v1/notify body, Idempotency-Key claims and replays, the per-token
// rate, and the route's refusals through the dashboard's request handling.

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "idempotent_replies.hpp"
#include "notifyd/sdk/api/send_requests.hpp"
#include "notifyd/sdk/json.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "publish_body.hpp"
#include "publish_rate.hpp"
#include "test_support.hpp"
#include "token_publisher.hpp"
#include "web_app.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace notifyd::webui::testing;
using namespace std::chrono_literals;

namespace {

sdk::HttpRequest post(std::string body, std::map<std::string, std::string, std::less<>> headers) {
  sdk::HttpRequest request;
  request.method = "POST";
  request.path = "/v1/notify";
  request.body = std::move(body);
  request.headers = std::move(headers);
  return request;
}

// The body `notify_body_of` built, parsed back.
rapidjson::Document mapped(const sdk::HttpRequest& request, std::string_view owner = "alice") {
  auto body = notify_body_of(request, owner);
  INFO(body.error().body);
  REQUIRE(body);
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(body.value(), document));
  return document;
}

std::string text(const rapidjson::Value& document, const char* name) {
  const auto* value = sdk::json_member(document, name);
  REQUIRE(value);
  REQUIRE(value->IsString());
  return value->GetString();
}

}  // namespace

TEST_CASE("publish body: plain text is the message and the ntfy headers fill title, priority and tags") {
  const auto document = mapped(post("disk 99 % full", {{"content-type", "text/plain"},
                                                       {"title", " Disk "},
                                                       {"priority", "5"},
                                                       {"tags", "disk, warning,,urgent "}}));
  CHECK(text(document, "user") == "alice");
  CHECK(text(document, "message") == "disk 99 % full");
  CHECK(text(document, "title") == "Disk");
  REQUIRE(document["priority"].IsInt());
  CHECK(document["priority"].GetInt() == 5);
  REQUIRE(document["tags"].IsArray());
  REQUIRE(document["tags"].Size() == 3);
  CHECK(std::string(document["tags"][0].GetString()) == "disk");
  CHECK(std::string(document["tags"][1].GetString()) == "warning");
  CHECK(std::string(document["tags"][2].GetString()) == "urgent");

  const auto named = mapped(post("x", {{"x-title", "T"}, {"x-priority", "high"}, {"x-tags", "a"}}));
  CHECK(text(named, "title") == "T");
  CHECK(text(named, "priority") == "high");
  CHECK(named["tags"].Size() == 1);

  // Without a content type too: whatever is not JSON is the text.
  CHECK(text(mapped(post("{\"message\":\"as text\"}", {})), "message") == "{\"message\":\"as text\"}");
}

TEST_CASE("publish body: a JSON body is kept, its user must be the owner, and headers fill only what it lacks") {
  const auto document = mapped(post(R"({"title":"From JSON","message":"m","data":{"k":1}})",
                                    {{"content-type", "application/json; charset=utf-8"}, {"title", "header"},
                                     {"tags", "a,b"}}));
  CHECK(text(document, "title") == "From JSON");
  CHECK(text(document, "user") == "alice");
  CHECK(document["data"]["k"].GetInt() == 1);
  CHECK(document["tags"].Size() == 2);
  CHECK(text(mapped(post(R"({"user":"alice","message":"m"})", {{"content-type", "application/json"}})), "user") == "alice");
  CHECK(text(mapped(post(R"({"user":null,"message":"m"})", {{"content-type", "application/json"}})), "user") == "alice");

  const auto as_bob = notify_body_of(post(R"({"user":"bob","message":"m"})", {{"content-type", "application/json"}}), "alice");
  REQUIRE_FALSE(as_bob);
  CHECK(as_bob.error().status == 403);
  CHECK(as_bob.error().body == R"({"error":"this token sends only to alice"})");

  for (const char* bad : {"{", "[1]", "\"text\"", ""}) {
    INFO(bad);
    const auto refused = notify_body_of(post(bad, {{"content-type", "application/json"}}), "alice");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().status == 400);
  }
  // A user that is not a string is the shared parser's to refuse.
  auto odd = notify_body_of(post(R"({"user":5,"message":"m"})", {{"content-type", "application/json"}}), "alice");
  REQUIRE(odd);
  CHECK(sdk::api::parse_notify_body(odd.value(), 1024).error().status == 400);
}

TEST_CASE("publish body: the result reads with the socket API's parser, limits included") {
  auto body = notify_body_of(post("hello", {{"title", "Hi"}}), "alice");
  REQUIRE(body);
  auto parsed = sdk::api::parse_notify_body(body.value(), 1024);
  REQUIRE(parsed);
  CHECK(parsed.value().notification.user == "alice");
  CHECK(parsed.value().notification.title == "Hi");
  CHECK(parsed.value().notification.message == "hello");
  CHECK(parsed.value().notification.source == "api");

  auto empty = notify_body_of(post("", {}), "alice");
  REQUIRE(empty);
  CHECK(sdk::api::parse_notify_body(empty.value(), 1024).error().body == R"({"error":"missing field: message"})");
}

TEST_CASE("publish body: bytes that are not UTF-8 are refused, in the body or a header") {
  const auto body = notify_body_of(post("\xff\xfe", {}), "alice");
  REQUIRE_FALSE(body);
  CHECK(body.error().body == R"({"error":"the body is not UTF-8 text"})");
  const auto header = notify_body_of(post("ok", {{"x-title", "\xc3"}}), "alice");
  REQUIRE_FALSE(header);
  CHECK(header.error().body == R"x({"error":"invalid header: x-title (expected UTF-8 text)"})x");
}

TEST_CASE("publish body: Idempotency-Key is optional, 1 to 255 visible ASCII characters") {
  CHECK_FALSE(idempotency_key_of(post("", {})).value());
  CHECK(idempotency_key_of(post("", {{"idempotency-key", "deploy-42"}})).value() == "deploy-42");
  CHECK(idempotency_key_of(post("", {{"idempotency-key", std::string(255, 'k')}})));
  for (const std::string& bad : {std::string(), std::string(256, 'k'), std::string("with space"), std::string("é")}) {
    INFO(bad);
    const auto refused = idempotency_key_of(post("", {{"idempotency-key", bad}}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().status == 400);
  }
}

TEST_CASE("publish: the bearer token of the Authorization header") {
  CHECK(bearer_token_of(post("", {{"authorization", "Bearer nd_abc"}})) == "nd_abc");
  CHECK(bearer_token_of(post("", {{"authorization", "bearer   nd_abc "}})) == "nd_abc");
  CHECK(bearer_token_of(post("", {{"authorization", "Basic YWxpY2U6eA=="}})).empty());
  CHECK(bearer_token_of(post("", {{"authorization", "Bearer "}})).empty());
  CHECK(bearer_token_of(post("", {})).empty());
}

TEST_CASE("idempotent replies: the first claims, a retry replays its answer, per owner") {
  notifyd::testing::MemoryEphemeral keys;
  IdempotentReplies replies(keys, "web");
  IdempotentReplies other_replica(keys, "web");
  CHECK(replies.claim("alice", "k1").value().state == IdempotencyClaim::State::first);
  CHECK(other_replica.claim("alice", "k1").value().state == IdempotencyClaim::State::in_flight);
  CHECK(replies.claim("bob", "k1").value().state == IdempotencyClaim::State::first);

  REQUIRE(replies.record("alice", "k1", sdk::HttpResponse::json(200, R"({"ok":true,"id":7,"channels":["console"]})")));
  const auto replay = other_replica.claim("alice", "k1").value();
  CHECK(replay.state == IdempotencyClaim::State::replay);
  CHECK(replay.reply.status == 200);
  CHECK(replay.reply.content_type == "application/json");
  CHECK(replay.reply.body == R"({"ok":true,"id":7,"channels":["console"]})");

  // A released claim (the publish failed) lets the next request try again.
  CHECK(replies.claim("alice", "k2").value().state == IdempotencyClaim::State::first);
  REQUIRE(replies.release("alice", "k2"));
  CHECK(replies.claim("alice", "k2").value().state == IdempotencyClaim::State::first);
}

TEST_CASE("idempotent replies: of concurrent requests with one key exactly one publishes") {
  notifyd::testing::MemoryEphemeral keys;
  IdempotentReplies replies(keys, "web");
  std::atomic<int> first{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (replies.claim("alice", "same").value().state == IdempotencyClaim::State::first) ++first;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(first == 1);
}

TEST_CASE("publish rate: a token over its burst waits for the window's end; tokens are counted apart") {
  notifyd::testing::MemoryEphemeral keys;
  // 3 s into a 10-second window.
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'790'000'003'000));
  PublishRate rate(keys, "web", PublishRateSettings{2, 100}, [at] { return at; });
  std::vector<bool> admitted;
  // MemoryEphemeral counts in the real clock's windows: a boundary may pass
  // between calls, so five calls see at most two windows of two.
  for (int i = 0; i < 5; ++i) admitted.push_back(!rate.admit("t1").value().has_value());
  CHECK(std::count(admitted.begin(), admitted.end(), false) >= 1);
  CHECK(admitted[0]);
  PublishRate refused(keys, "web", PublishRateSettings{1, 100}, [at] { return at; });
  refused.admit("t2").value();
  const auto wait = refused.admit("t2").value();
  if (wait) CHECK(*wait == 7s);
  CHECK_FALSE(rate.admit("t3").value().has_value());
}

TEST_CASE("publish rate: the per-minute limit holds under a generous burst") {
  notifyd::testing::MemoryEphemeral keys;
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'790'000'020'000));
  PublishRate rate(keys, "web", PublishRateSettings{100, 3}, [at] { return at; });
  int admitted = 0;
  std::optional<std::chrono::seconds> wait;
  for (int i = 0; i < 7; ++i) {
    auto answer = rate.admit("t").value();
    if (answer) wait = answer; else ++admitted;
  }
  CHECK(admitted <= 6);
  REQUIRE(wait);
  CHECK(*wait == 20s);
}

TEST_CASE("publish route: refusals through the dashboard, with no session and no CSRF token needed") {
  boost::asio::io_context io;
  FakeHost host(io, make_config());
  const WebSettings settings = make_settings();
  SessionStore sessions(host.coordination().ephemeral(), "web", settings.session_ttl, 100);
  LoginLinks links(host.coordination().ephemeral(), "web", settings.login_link_ttl);
  ApiTokens tokens(host.documents());
  const WebApp app(host, settings, sessions, links, tokens);
  const auto call = [&](std::map<std::string, std::string, std::less<>> headers, std::string body) {
    auto request = post(std::move(body), std::move(headers));
    request.headers.try_emplace("host", "127.0.0.1:8080");
    ResponseCatcher catcher;
    app.handle(PeerInfo{boost::asio::ip::make_address("192.0.2.7"), false, false, std::nullopt}, std::move(request),
               catcher.responder());
    // A publish answers from the plugin's executor.
    io.restart();
    io.poll();
    return catcher.get();
  };

  auto response = call({}, "hello");
  CHECK(response.status == 401);
  CHECK(header_of(response, "WWW-Authenticate") == "Bearer");
  CHECK(response.body == R"x({"error":"missing API token (Authorization: Bearer <token>)"})x");
  CHECK(header_of(response, "X-Content-Type-Options") == "nosniff");

  const auto issued = tokens.create("alice", "t", 0).value().value();
  response = call({{"authorization", "Bearer " + issued.token}, {"content-type", "application/json"}},
                  R"({"user":"bob","message":"m"})");
  CHECK(response.status == 403);
  response = call({{"authorization", "Bearer " + issued.token}, {"origin", "https://evil.example"}}, "hello");
  CHECK(response.status == 403);
  CHECK(response.body == R"({"error":"cross-origin request refused"})");
  // Through to the (fake) pipeline, whose refusal comes back as the socket API's 400.
  response = call({{"authorization", "Bearer " + issued.token}}, "hello");
  CHECK(response.status == 400);
  CHECK(response.body == R"({"error":"not in tests"})");

  REQUIRE(tokens.revoke("alice", issued.info.id).value());
  response = call({{"authorization", "Bearer " + issued.token}}, "hello");
  CHECK(response.status == 401);
  CHECK(response.body == R"({"error":"unknown or revoked API token"})");
}
