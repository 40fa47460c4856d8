#include <catch2/catch.hpp>

#include "http_target.hpp"

using namespace notifyd::socket_api;

TEST_CASE("request targets are split and decoded") {
  auto target = parse_request_target("/v1/history?user=al%69ce&limit=10&empty=&flag&q=a+b%2Bc");
  REQUIRE(target);
  CHECK(target->path == "/v1/history");
  CHECK(target->query.at("user") == "alice");
  CHECK(target->query.at("limit") == "10");
  CHECK(target->query.at("empty").empty());
  CHECK(target->query.at("flag").empty());
  CHECK(target->query.at("q") == "a b+c");

  auto plain = parse_request_target("/send");
  REQUIRE(plain);
  CHECK(plain->path == "/send");
  CHECK(plain->query.empty());

  CHECK(parse_request_target("/a%20b+c#frag")->path == "/a b+c");
  CHECK(parse_request_target("/x?a=1&a=2")->query.at("a") == "1");
}

TEST_CASE("malformed targets are refused") {
  CHECK_FALSE(parse_request_target(""));
  CHECK_FALSE(parse_request_target("send"));
  CHECK_FALSE(parse_request_target("http://host/send"));
  CHECK_FALSE(parse_request_target("/bad%2"));
  CHECK_FALSE(parse_request_target("/bad%zz"));
  CHECK_FALSE(parse_request_target("/nul%00"));
  CHECK_FALSE(parse_request_target("/x?a=%"));
}
