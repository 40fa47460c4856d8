// The desktop channel's HTTP answers as plain functions: image downloads for
// the notification's owner, 426 for anything else, the Origin check.

#include <catch2/catch.hpp>

#include <fstream>

#include <boost/asio/io_context.hpp>

#include "desktop_server.hpp"
#include "jwt.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/testing/temp_dir.hpp"
#include "server_state.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;

namespace {

const std::string secret = "unit-test-secret";

struct Fixture {
  explicit Fixture(std::map<std::string, sdk::ConfigValue> overrides = {}) {
    overrides.try_emplace("jwt_secret", secret);
    host.emplace(io, make_config(overrides));
    state = std::make_shared<ServerState>(*host, read_websocket_settings(host->config()).value());
  }

  sdk::HttpRequest get(const std::string& path, const std::string& user = {}) const {
    sdk::HttpRequest request;
    request.method = "GET";
    request.path = path;
    if (!user.empty()) {
      const std::int64_t now = sdk::now_epoch_ms() / 1000;
      request.headers["authorization"] = "Bearer " + issue_jwt(user, now, now + 3600, secret);
    }
    return request;
  }

  boost::asio::io_context io;
  std::optional<FakeHost> host;
  std::shared_ptr<ServerState> state;
};

}  // namespace

TEST_CASE("a notification's image goes to its owner's app only", "[desktop_server]") {
  Fixture fixture;
  notifyd::testing::TempDir dir;
  const auto image = dir.path() / "1.png";
  std::ofstream(image, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');
  auto& history = fixture.host->history;
  const auto id = history.add("alice", "with image");
  history.set_image(id, image.string());
  const auto path = std::string(image_path_prefix) + std::to_string(id);

  const auto ok = answer_desktop_request(*fixture.state, fixture.get(path, "alice"));
  CHECK(ok.status == 200);
  CHECK(ok.content_type == "image/png");
  CHECK(ok.body.size() == 72);
  CHECK(ok.headers == std::vector<std::pair<std::string, std::string>>{
                          {"Cache-Control", "private, max-age=86400, immutable"}});

  // Someone else's notification and a missing one look the same.
  CHECK(answer_desktop_request(*fixture.state, fixture.get(path, "bob")).status == 404);
  CHECK(answer_desktop_request(*fixture.state, fixture.get(std::string(image_path_prefix) + "99", "alice")).status ==
        404);
  CHECK(answer_desktop_request(*fixture.state, fixture.get(std::string(image_path_prefix) + "x", "alice")).status ==
        404);

  const auto anonymous = answer_desktop_request(*fixture.state, fixture.get(path));
  CHECK(anonymous.status == 401);
  CHECK(anonymous.body == R"x({"error":"a desktop token is required (Authorization: Bearer)"})x");
  auto forged = fixture.get(path);
  forged.headers["authorization"] = "Bearer nope";
  CHECK(answer_desktop_request(*fixture.state, forged).status == 401);
}

TEST_CASE("any other plain request is told to upgrade", "[desktop_server]") {
  Fixture fixture;
  const auto root = answer_desktop_request(*fixture.state, fixture.get("/"));
  CHECK(root.status == 426);
  CHECK(root.body == R"({"error":"this is the notifyd desktop WebSocket endpoint"})");
  auto post = fixture.get(std::string(image_path_prefix) + "1", "alice");
  post.method = "POST";
  CHECK(answer_desktop_request(*fixture.state, post).status == 426);
}

TEST_CASE("an upgrade from a page of a foreign origin is refused", "[desktop_server]") {
  sdk::http::Peer peer;
  peer.address = boost::asio::ip::make_address("127.0.0.1");
  auto upgrade = [](std::optional<std::string> origin) {
    sdk::HttpRequest request;
    request.method = "GET";
    request.path = "/";
    if (origin) request.headers["origin"] = *origin;
    return request;
  };
  Fixture any;
  CHECK_FALSE(check_desktop_upgrade(*any.state, peer, upgrade("https://evil.example")));

  Fixture listed({{"allowed_origins", std::vector<std::string>{"https://desk.example"}}});
  const auto refused = check_desktop_upgrade(*listed.state, peer, upgrade("https://evil.example"));
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK_FALSE(check_desktop_upgrade(*listed.state, peer, upgrade("https://desk.example")));
  // The desktop app, like any client that is not a browser, sends no Origin.
  CHECK_FALSE(check_desktop_upgrade(*listed.state, peer, upgrade(std::nullopt)));
}
