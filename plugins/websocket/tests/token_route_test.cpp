#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "jwt.hpp"
#include "test_support.hpp"
#include "token_route.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;

namespace {

constexpr std::int64_t now_ms = 1'700'000'000'000;

WebSocketSettings settings_with_secret() {
  auto settings = read_websocket_settings(make_config()).value();
  settings.jwt_secret = "s3cret";
  return settings;
}

sdk::HttpRequest request(std::string user, std::string body = {}, bool admin = false) {
  sdk::HttpRequest r;
  r.method = "POST";
  r.path = std::string(token_route_path);
  r.caller.user = std::move(user);
  r.caller.admin = admin;
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("the token route issues a token for the caller", "[token_route]") {
  const auto answer = answer_token_request(request("alice"), settings_with_secret(), now_ms);
  REQUIRE(answer.response.status == 200);
  rapidjson::Document body;
  body.Parse(answer.response.body.c_str());
  REQUIRE(body.IsObject());
  CHECK(std::string(body["user"].GetString()) == "alice");
  CHECK(std::string(body["url"].GetString()) == "ws://127.0.0.1:8765/");
  CHECK(std::string(body["expires_at"].GetString()) == "2023-12-14T22:13:20.000Z");
  const auto claims = verify_jwt(body["token"].GetString(), "s3cret", now_ms / 1000);
  REQUIRE(claims);
  CHECK(claims->subject == "alice");
  CHECK(claims->expires_at == now_ms / 1000 + 30 * 24 * 3600);
  REQUIRE(answer.issued);
  CHECK(answer.issued->user == "alice");
  CHECK(answer.issued->expires_at == claims->expires_at);
  CHECK(answer_token_request(request("alice", "{}"), settings_with_secret(), now_ms).response.status == 200);
  CHECK(answer_token_request(request("alice", R"({"user":"alice"})"), settings_with_secret(), now_ms).response.status ==
        200);
}

TEST_CASE("the token route refuses what it must", "[token_route]") {
  const auto settings = settings_with_secret();
  CHECK(answer_token_request(request(""), settings, now_ms).response.status == 401);
  CHECK(answer_token_request(request("alice", R"({"user":"bob"})"), settings, now_ms).response.status == 403);
  CHECK(answer_token_request(request("root", R"({"user":"bob"})", true), settings, now_ms).response.status == 200);
  CHECK(answer_token_request(request("alice", "[1]"), settings, now_ms).response.status == 400);
  CHECK(answer_token_request(request("alice", "{"), settings, now_ms).response.status == 400);
  CHECK(answer_token_request(request("alice", R"({"user":5})"), settings, now_ms).response.status == 400);
  CHECK(answer_token_request(request("root", R"({"user":"a b"})", true), settings, now_ms).response.status == 400);
  CHECK(answer_token_request(request("alice", std::string(5000, ' ')), settings, now_ms).response.status == 413);
  CHECK(answer_token_request(request("alice", std::string(3000, '[')), settings, now_ms).response.status == 400);
  auto off = settings;
  off.jwt_secret.clear();
  const auto answer = answer_token_request(request("alice"), off, now_ms);
  CHECK(answer.response.status == 503);
  CHECK_FALSE(answer.issued);
}

TEST_CASE("the host the caller used names a wildcard listen address", "[token_route]") {
  CHECK(host_name_of("dash.example.com:8080") == "dash.example.com");
  CHECK(host_name_of("dash.example.com") == "dash.example.com");
  CHECK(host_name_of("[::1]:80") == "::1");
  CHECK(host_name_of("") == "");
  CHECK(host_name_of("evil\"host") == "");
  CHECK(host_name_of("[::1\"]") == "");
  auto settings = settings_with_secret();
  settings.server.listen = sdk::http::parse_listen_address("0.0.0.0:8765").value();
  auto r = request("alice");
  r.headers["host"] = "dash.example.com:443";
  const auto answer = answer_token_request(r, settings, now_ms);
  CHECK(answer.response.body.find(R"("url":"ws://dash.example.com:8765/")") != std::string::npos);
}

TEST_CASE("the status route says whether desktop push is on", "[token_route]") {
  CHECK(answer_status_request(request(""), true).status == 401);
  CHECK(answer_status_request(request("alice"), true).body == R"({"configured":true})");
  CHECK(answer_status_request(request("alice"), false).body == R"({"configured":false})");
}
