// The socket API's handler as a plain function: routing, the caller a
// request acts as, and the routes other plugins register.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>

#include "socket_caller.hpp"
#include "socket_handler.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using namespace notifyd::socket_api::testing;
using namespace std::chrono_literals;

namespace {

sdk::http::Peer unix_peer(uid_t uid, std::optional<std::string> user) {
  sdk::http::Peer peer;
  peer.local = true;
  peer.credentials = sdk::http::PeerCredentials{::getpid(), uid, ::getegid(), {}};
  peer.user = std::move(user);
  return peer;
}

struct HandlerFixture {
  TempDir photos;
  boost::asio::io_context io;
  FakeHost host{io, make_config({{"photo_dirs", std::vector<std::string>{photos.path().string()}}})};
  SocketSettings settings = read_socket_settings(host.config()).value();
  SocketHandler handler{host, settings};
  sdk::http::Peer peer = unix_peer(1000, "alice");  // an ordinary user, whoever runs the tests

  // Serves one request and waits for its answer (which may come from a pipeline thread).
  sdk::HttpResponse call(const std::string& method, const std::string& path, const std::string& body = {},
                         const std::string& header = {}) {
    sdk::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    if (!header.empty()) request.headers.emplace("x-test", header);
    auto promise = std::make_shared<std::promise<sdk::HttpResponse>>();
    auto future = promise->get_future();
    handler(peer, std::move(request), [promise](sdk::HttpResponse response) { promise->set_value(std::move(response)); });
    REQUIRE(future.wait_for(5s) == std::future_status::ready);
    return future.get();
  }
};

}  // namespace

TEST_CASE("handler: unknown paths are 404, a built-in path with another method 405 with Allow") {
  HandlerFixture f;
  auto missing = f.call("GET", "/nope");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"error":"not found"})");

  auto wrong = f.call("GET", "/send");
  CHECK(wrong.status == 405);
  REQUIRE(wrong.headers.size() == 1);
  CHECK(wrong.headers[0].first == "Allow");
  CHECK(wrong.headers[0].second == "POST");

  CHECK(f.call("GET", "/health").body == R"({"status":"ok"})");
}

TEST_CASE("handler: POST /send publishes as the peer's user") {
  HandlerFixture f;
  auto response = f.call("POST", "/send", R"({"user":"alice","text":"disk full"})");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"ok":true,"id":42,"channels":["bot","desk"]})");
  const auto published = f.host.history.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].notification.user == "alice");
  CHECK(published[0].notification.message == "disk full");

  auto other = f.call("POST", "/send", R"({"user":"bob","text":"hi"})");
  CHECK(other.status == 403);
  CHECK(f.host.history.published().size() == 1);
}

TEST_CASE("handler: /send_photo opens the file with the peer's credentials") {
  HandlerFixture f;
  f.peer = unix_peer(::geteuid(), "alice");  // who can read the test's file
  const auto photo = f.photos.path() / "chart.png";
  std::ofstream(photo, std::ios::binary) << png_bytes;
  auto response = f.call("POST", "/send_photo", R"({"user":"alice","photo_path":")" + photo.string() + R"("})");
  CHECK(response.status == 200);
  const auto published = f.host.history.published();
  REQUIRE(published.size() == 1);
  REQUIRE(published[0].image);
  CHECK(published[0].image->bytes == png_bytes);
}

TEST_CASE("handler: registered socket routes get the request, its path parameters and the caller") {
  HandlerFixture f;
  auto& routes = f.host.route_table;
  REQUIRE(routes.add({"GET", "/api/echo", false, sdk::surface_socket, false,
                      [](sdk::HttpRequest request, sdk::Responder respond) {
                        respond({201, "text/plain",
                                 request.caller.user + "|" + (request.caller.admin ? "admin" : "user") + "|" +
                                     std::string(request.header("x-test")) + "|" + request.path,
                                 {}});
                      }})
              .ok);
  REQUIRE(routes.add({"GET", "/api/items", true, sdk::surface_socket, false,
                      [](sdk::HttpRequest request, sdk::Responder respond) {
                        respond(sdk::HttpResponse::json(200, "\"" + request.path_params.at(0) + "\""));
                      }})
              .ok);
  REQUIRE(routes.add({"GET", "/web/only", false, sdk::surface_web, false,
                      [](sdk::HttpRequest, sdk::Responder respond) { respond(sdk::HttpResponse::json(200, "{}")); }})
              .ok);
  REQUIRE(routes.add({"POST", "/api/post", false, sdk::surface_socket, false,
                      [](sdk::HttpRequest, sdk::Responder respond) { respond(sdk::HttpResponse::json(200, "{}")); }})
              .ok);

  auto echo = f.call("GET", "/api/echo", {}, "yes");
  CHECK(echo.status == 201);
  CHECK(echo.body == "alice|user|yes|/api/echo");
  CHECK(f.call("GET", "/api/items/42").body == "\"42\"");
  CHECK(f.call("GET", "/web/only").status == 404);
  CHECK(f.call("GET", "/api/post").status == 405);

  f.host.admins.insert("alice");
  CHECK(f.call("GET", "/api/echo").body == "alice|admin||/api/echo");
}

TEST_CASE("handler: a peer without credentials is refused") {
  HandlerFixture f;
  f.peer.credentials.reset();
  auto response = f.call("GET", "/health");
  CHECK(response.status == 403);
}

TEST_CASE("caller: the peer's user, uid:<n> when its uid has no name, admin when root or in the admin group") {
  boost::asio::io_context io;
  FakeHost host(io, make_config());
  host.admins.insert("carol");

  const auto alice = caller_of(unix_peer(1000, "alice"), host);
  CHECK(alice.user == "alice");
  CHECK_FALSE(alice.admin);
  CHECK(caller_of(unix_peer(1001, "carol"), host).admin);
  CHECK(caller_of(unix_peer(0, "root"), host).admin);

  const auto nameless = caller_of(unix_peer(4242, std::nullopt), host);
  CHECK(nameless.user == "uid:4242");
  CHECK_FALSE(nameless.admin);

  CHECK(caller_of(sdk::http::Peer{}, host).user.empty());
}
