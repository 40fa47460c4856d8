// The SDK's `listen` grammar and request-target decoding.

#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "notifyd/sdk/http/listen_address.hpp"
#include "notifyd/sdk/http/request_target.hpp"

using namespace notifyd::sdk::http;

TEST_CASE("listen: host and port, [v6]:port, localhost, port 0, unix sockets") {
  CHECK(parse_listen_address("127.0.0.1:9464").value().port == 9464);
  CHECK(parse_listen_address("localhost:80").value().address.to_string() == "127.0.0.1");
  CHECK(parse_listen_address("[::1]:9464").value().address.is_v6());
  CHECK(parse_listen_address("[::]:80").value().address.is_unspecified());
  CHECK(parse_listen_address("0.0.0.0:1").value().address.is_unspecified());
  CHECK(parse_listen_address("127.0.0.1:0").value().port == 0);
  const auto local = parse_listen_address("unix:/run/notifyd/../notifyd/web.sock");
  REQUIRE(local);
  CHECK(local.value().is_unix());
  CHECK(local.value().unix_path == "/run/notifyd/web.sock");
  CHECK(local.value().to_string() == "unix:/run/notifyd/web.sock");
  CHECK(parse_listen_address("[::1]:8080").value().to_string() == "[::1]:8080");
  CHECK(parse_listen_address("127.0.0.1:8080").value().is_local());
  CHECK_FALSE(parse_listen_address("0.0.0.0:8080").value().is_local());
  for (const char* bad : {"", "9464", ":9464", "127.0.0.1:", "127.0.0.1:70000", "example.com:80", "127.0.0.1:80x",
                          "::1:80", "[127.0.0.1]:80", "[::1]80", "unix:relative.sock"}) {
    INFO(bad);
    const auto parsed = parse_listen_address(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().starts_with("listen: "));
  }
}

TEST_CASE("listen: loopback and IPv4-mapped addresses") {
  namespace ip = boost::asio::ip;
  CHECK(is_loopback(ip::make_address("127.0.0.2")));
  CHECK(is_loopback(ip::make_address("::ffff:127.0.0.1")));
  CHECK(is_loopback(ip::make_address("::1")));
  CHECK_FALSE(is_loopback(ip::make_address("10.0.0.1")));
  CHECK(unmapped(ip::make_address("::ffff:10.0.0.1")).to_string() == "10.0.0.1");
}

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
  CHECK(parse_request_target("/x?a=1&&b=2")->query.size() == 2);
}

TEST_CASE("malformed targets are refused") {
  CHECK_FALSE(parse_request_target(""));
  CHECK_FALSE(parse_request_target("send"));
  CHECK_FALSE(parse_request_target("http://host/send"));
  CHECK_FALSE(parse_request_target("/bad%2"));
  CHECK_FALSE(parse_request_target("/bad%zz"));
  CHECK_FALSE(parse_request_target("/nul%00"));
  CHECK_FALSE(parse_request_target("/x?a=%"));
  CHECK_FALSE(parse_request_target("/x?a=%00"));
  std::string many = "/x?";
  for (int i = 0; i <= 64; ++i) many += "f" + std::to_string(i) + "=1&";
  CHECK_FALSE(parse_request_target(many));
}

TEST_CASE("form bodies are decoded like queries") {
  const auto fields = parse_form("token=a%2Bb&next=%2Fhistory&x=1+2");
  REQUIRE(fields);
  CHECK(fields->at("token") == "a+b");
  CHECK(fields->at("next") == "/history");
  CHECK(fields->at("x") == "1 2");
  CHECK(parse_form("")->empty());
  CHECK_FALSE(parse_form("a=%zz"));
}

TEST_CASE("a form is read without looking past its end (fuzz_request_target finding)") {
  // Boost.URL 1.81's parse_query measures data() as a C string.
  const std::vector<char> bytes{'a'};  // no NUL after it: reading on is a heap overflow under ASan
  const auto form = parse_form(std::string_view(bytes.data(), 0));
  REQUIRE(form);
  CHECK(form->empty());
  const std::vector<char> query{'a', '=', '1', '&', 'b'};
  const auto one = parse_form(std::string_view(query.data(), 3));
  REQUIRE(one);
  CHECK(one->size() == 1);
  CHECK(one->at("a") == "1");
  CHECK_FALSE(parse_form(std::string_view("a=1\0b", 5)));
}
