#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>

#include "dispatch_request.hpp"

using namespace notifyd;
using namespace notifyd::websocket;

TEST_CASE("dispatch reads the seed's {user, notification} for this channel", "[dispatch]") {
  auto parsed = parse_dispatch_request(
      R"({"user":"alice","notification":{"type":"notification","id":"0b9e","title":"Revenue","message":"down 5%",)"
      R"("script":"revenue_drop","timestamp":"2026-12-07T00:04:16Z","image_url":null,"data":{"rows":3}}})",
      "desk");
  REQUIRE(parsed);
  const auto& n = parsed.value().publish.notification;
  CHECK(n.user == "alice");
  CHECK(n.title == "Revenue");
  CHECK(n.message == "down 5%");
  CHECK(n.source == "revenue_drop");
  CHECK(n.data_json == R"({"rows":3})");
  CHECK(parsed.value().publish.channels == std::vector<std::string>{"desk"});
  CHECK(parsed.value().image_path.empty());

  parsed = parse_dispatch_request(R"({"user":"bob","notification":{"title":"Only a title"}})", "desk");
  REQUIRE(parsed);
  CHECK(parsed.value().publish.notification.source == "dispatch");
  CHECK(parsed.value().publish.notification.message.empty());
}

TEST_CASE("a dispatch body that cannot be used says why", "[dispatch]") {
  const std::pair<std::string, std::string> cases[] = {
      {"", "invalid JSON"},
      {"[]", "invalid JSON"},
      {R"({"notification":{"message":"x"}})", "missing field: user"},
      {R"({"user":7,"notification":{"message":"x"}})", "invalid field: user must be a string"},
      {R"({"user":"../etc","notification":{"message":"x"}})", "invalid field: user must be a user name"},
      {R"({"user":"alice"})", "missing field: notification"},
      {R"({"user":"alice","notification":"hi"})", "invalid field: notification must be an object"},
      {R"({"user":"alice","notification":{"message":5}})", "invalid field: notification.message must be a string"},
      {R"({"user":"alice","notification":{"script":"x"}})",
       "the notification needs a title, a message or an image_path"},
      {R"({"user":"alice","notification":{"image_path":"chart.png"}})",
       "invalid field: notification.image_path must be an absolute path"},
      {R"({"user":"alice","notification":{"image_path":7}})",
       "invalid field: notification.image_path must be a string"},
      {R"({"user":"alice","notification":{"message":"x","data":[1]}})",
       "invalid field: notification.data must be an object"},
  };
  for (const auto& [body, error] : cases) {
    INFO(body);
    const auto parsed = parse_dispatch_request(body, "desk");
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error() == error);
  }
  CHECK(parse_dispatch_request(std::string(max_dispatch_request_bytes + 1, ' '), "desk").error() ==
        "request body too large");
}

TEST_CASE("root's image_path is attached; anyone else's, or one that cannot be read, leaves the text alone",
          "[dispatch]") {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');
  char path[] = "/tmp/dispatch_image_XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, png.data(), png.size()) == static_cast<ssize_t>(png.size()));
  ::close(fd);
  const std::string body =
      R"({"user":"alice","notification":{"message":"chart","image_path":")" + std::string(path) + "\"}}";

  auto request = parse_dispatch_request(body, "desk").value();
  CHECK(request.image_path == path);
  CHECK(attach_dispatch_image(request, {"root", true}, 1 << 20).empty());
  REQUIRE(request.publish.image);
  CHECK(request.publish.image->bytes == png);
  CHECK(request.publish.image->type == sdk::ImageType::png);

  request = parse_dispatch_request(body, "desk").value();
  CHECK(attach_dispatch_image(request, {"ops", true}, 1 << 20) == "only root's dispatches carry images");
  CHECK_FALSE(request.publish.image);
  request = parse_dispatch_request(body, "desk").value();
  CHECK_FALSE(attach_dispatch_image(request, {"root", true}, 16).empty());  // over the size limit
  CHECK_FALSE(request.publish.image);
  ::unlink(path);
  request = parse_dispatch_request(body, "desk").value();
  CHECK_FALSE(attach_dispatch_image(request, {"root", true}, 1 << 20).empty());
}

TEST_CASE("only root and the admin group may dispatch", "[dispatch]") {
  CHECK(refuse_dispatch_caller({"root", true}) == std::nullopt);
  CHECK(refuse_dispatch_caller({"alice", false})->status == 403);
  CHECK(refuse_dispatch_caller({"", false})->status == 401);
}

TEST_CASE("the dispatch answer is the seed's {sent}, with the stored id as a string", "[dispatch]") {
  CHECK(dispatch_answer(2, 17) == R"({"sent":2,"id":"17"})");
  CHECK(dispatch_answer(0, 0) == R"({"sent":0})");
  CHECK(dispatch_answer(1, 3, "image_path: gone") == R"({"sent":1,"id":"3","warning":"image_path: gone"})");
}
