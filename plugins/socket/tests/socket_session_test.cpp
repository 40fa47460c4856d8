// Sessions served over a real unix socket in a temporary directory, with a
// fake host: framing, limits, timeouts, routing, connection limit, shutdown.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "peer_identity.hpp"
#include "socket_frontend.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using namespace notifyd::socket_api::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Waits up to 5 s for `condition`.
template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// One socket front-end on its own io_context threads.
class Server {
 public:
  explicit Server(std::map<std::string, sdk::ConfigValue> overrides = {}) : path_(dir_ / "n.sock") {
    overrides.try_emplace("path", path_.string());
    overrides.try_emplace("photo_dirs", std::vector<std::string>{dir_.path().string()});
    overrides.try_emplace("header_timeout", std::chrono::milliseconds(3000));
    overrides.try_emplace("idle_timeout", std::chrono::milliseconds(3000));
    overrides.try_emplace("request_timeout", std::chrono::milliseconds(3000));
    host_.emplace(io_, make_config(overrides));
    frontend_.emplace(*host_);
    const auto configured = frontend_->configure();
    INFO(configured.message);
    REQUIRE(configured.ok);
    const auto started = frontend_->start();
    INFO(started.message);
    REQUIRE(started.ok);
    // Two threads, as the daemon may run: each session's strand keeps it serial.
    for (int i = 0; i < 2; ++i) runners_.emplace_back([this] { io_.run(); });
  }

  ~Server() {
    stop();
    work_.reset();
    if (!eventually([this] { return io_.stopped(); })) io_.stop();
    for (auto& runner : runners_) runner.join();
  }

  /// Stops the front-end on its executor; true when `done` was called.
  bool stop() {
    if (stopped_) return true;
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    boost::asio::post(host_->executor(), [this, done] { frontend_->stop([done] { done->set_value(); }); });
    return finished.wait_for(5s) == std::future_status::ready;
  }

  /// Starts stopping without waiting; the future is ready when `done` was called.
  std::future<void> stop_async() {
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    boost::asio::post(host_->executor(), [this, done] { frontend_->stop([done] { done->set_value(); }); });
    return finished;
  }

  FakeHost& host() { return *host_; }
  const fs::path& path() const { return path_; }
  const fs::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  fs::path path_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::optional<FakeHost> host_;
  std::optional<SocketFrontend> frontend_;
  std::vector<std::thread> runners_;
  bool stopped_ = false;
};

const std::string self_name = user_name_for_uid(::geteuid());

}  // namespace

TEST_CASE("session: GET /health with keep-alive") {
  Server server;
  TestClient client(server.path());
  for (int i = 0; i < 3; ++i) {
    auto response = client.request("GET", "/health");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == R"({"status":"ok"})");
    CHECK(response->header("content-type") == "application/json");
    CHECK(response->header("content-length") == "15");
  }
  CHECK(server.host().metric_registry.count("socket_requests_total") == 3);
  CHECK(server.host().metric_registry.level("socket_connections") == 1);
}

TEST_CASE("session: pipelined requests are answered in order") {
  Server server;
  TestClient client(server.path());
  client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = client.read_response();
  auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->status == 200);
  CHECK(second->status == 404);
}

TEST_CASE("session: HTTP/1.0 without keep-alive is closed after the response") {
  Server server;
  TestClient client(server.path());
  client.send("GET /health HTTP/1.0\r\n\r\n");
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(client.closed_by_server());
}

TEST_CASE("session: unknown paths are 404, wrong methods 405") {
  Server server;
  TestClient client(server.path());
  auto missing = client.request("GET", "/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body == R"({"error":"not found"})");

  auto wrong = client.request("GET", "/send");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->header("allow") == "POST");
  CHECK(server.host().metric_registry.count("socket_errors_total", {{"status", "404"}}) == 1);
  CHECK(server.host().metric_registry.count("socket_errors_total", {{"status", "405"}}) == 1);
}

TEST_CASE("session: garbage is answered 400 and the connection closed") {
  Server server;
  TestClient client(server.path());
  client.send("\x01\x02\x03 garbage\r\n\r\n");
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 400);
  CHECK(response->body == R"({"error":"bad request"})");
  CHECK(client.closed_by_server());
  CHECK(server.host().metric_registry.count("socket_errors_total", {{"status", "400"}}) == 1);
}

TEST_CASE("session: oversized headers are 431, oversized bodies 413") {
  Server server({{"body_limit", std::int64_t{100}}});
  {
    TestClient client(server.path());
    client.send("GET /health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->status == 431);
  }
  {
    TestClient client(server.path());
    auto response = client.request("POST", "/send", std::string(200, ' '));
    REQUIRE(response);
    CHECK(response->status == 413);
    CHECK(response->body == R"({"error":"request body is larger than 100 bytes"})");
    CHECK(client.closed_by_server());
  }
  {
    TestClient client(server.path());
    client.send("POST /send HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n" + std::string(128, 'x') + "\r\n0\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->status == 413);
  }
}

TEST_CASE("session: Expect: 100-continue is honoured") {
  Server server;
  TestClient client(server.path());
  const std::string body = R"({"user":")" + self_name + R"(","text":"hi"})";
  client.send("POST /send HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  auto interim = client.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  client.send(body);
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("session: POST /send publishes as the caller named by SO_PEERCRED") {
  Server server;
  TestClient client(server.path());
  auto response = client.request("POST", "/send", R"({"user":")" + self_name + R"(","text":"disk full"})");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == R"({"ok":true,"id":42,"channels":["bot","desk"]})");
  const auto published = server.host().history.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].notification.user == self_name);
  CHECK(published[0].notification.message == "disk full");

  auto bad = client.request("POST", "/send", R"({"user":")" + self_name + R"("})");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body == R"({"error":"missing field: text"})");
}

TEST_CASE("session: registered routes get the decoded request and the caller") {
  Server server;
  auto& routes = server.host().route_table;
  REQUIRE(routes.add({"GET", "/api/echo", false, sdk::surface_socket, false,
                      [](sdk::HttpRequest request, sdk::Responder respond) {
                        respond({201, "text/plain",
                                 request.caller.user + "|" + (request.caller.admin ? "admin" : "user") + "|" +
                                     std::string(request.param("q").value_or("-")) + "|" +
                                     std::string(request.header("x-test")) + "|" + request.path,
                                 {{"X-Route", "echo"}, {"Content-Length", "999"}, {"X-Bad", "a\r\nInjected: 1"}}});
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
  REQUIRE(routes.add({"POST", "/api/throws", false, sdk::surface_socket, false,
                      [](sdk::HttpRequest, sdk::Responder) { throw std::runtime_error("boom"); }})
              .ok);
  REQUIRE(routes.add({"GET", "/api/twice", false, sdk::surface_socket, false,
                      [](sdk::HttpRequest, sdk::Responder respond) {
                        respond(sdk::HttpResponse::json(200, R"({"n":1})"));
                        respond(sdk::HttpResponse::json(200, R"({"n":2})"));
                      }})
              .ok);

  TestClient client(server.path());
  auto echo = client.request("GET", "/api/%65cho?q=a%20b", {}, "X-Test: yes\r\n");
  REQUIRE(echo);
  CHECK(echo->status == 201);
  CHECK(echo->body == self_name + (::geteuid() == 0 ? "|admin|" : "|user|") + "a b|yes|/api/echo");
  CHECK(echo->header("content-type") == "text/plain");
  CHECK(echo->header("x-route") == "echo");
  CHECK(echo->header("content-length") == std::to_string(echo->body.size()));
  CHECK(echo->headers.count("x-bad") == 0);
  CHECK(echo->headers.count("injected") == 0);

  auto item = client.request("GET", "/api/items/42");
  REQUIRE(item);
  CHECK(item->body == "\"42\"");

  CHECK(client.request("GET", "/web/only")->status == 404);
  CHECK(client.request("GET", "/api/throws")->status == 405);

  auto thrown = client.request("POST", "/api/throws", "{}");
  REQUIRE(thrown);
  CHECK(thrown->status == 500);
  CHECK(thrown->body == R"({"error":"internal error"})");
  CHECK(server.host().logger.contains("boom"));

  auto twice = client.request("GET", "/api/twice");
  REQUIRE(twice);
  CHECK(twice->body == R"({"n":1})");
  // The second answer was dropped: the connection serves the next request normally.
  CHECK(client.request("GET", "/health")->status == 200);
}

TEST_CASE("session: a handler that never answers gets 504 after request_timeout") {
  Server server({{"request_timeout", std::chrono::milliseconds(300)}});
  auto kept = std::make_shared<std::optional<sdk::Responder>>();
  auto mutex = std::make_shared<std::mutex>();
  REQUIRE(server.host()
              .route_table
              .add({"GET", "/api/never", false, sdk::surface_socket, false,
                    [kept, mutex](sdk::HttpRequest, sdk::Responder respond) {
                      std::lock_guard lock(*mutex);
                      *kept = std::move(respond);
                    }})
              .ok);
  TestClient client(server.path());
  const auto start = std::chrono::steady_clock::now();
  auto response = client.request("GET", "/api/never");
  REQUIRE(response);
  CHECK(response->status == 504);
  CHECK(std::chrono::steady_clock::now() - start >= 250ms);
  CHECK(client.closed_by_server());
  // A late answer is ignored.
  std::lock_guard lock(*mutex);
  REQUIRE(kept->has_value());
  (**kept)(sdk::HttpResponse::json(200, "{}"));
}

TEST_CASE("session: a header that does not arrive within header_timeout closes the connection") {
  Server server({{"header_timeout", std::chrono::milliseconds(300)}});
  TestClient client(server.path());
  const auto start = std::chrono::steady_clock::now();
  client.send("GET /health HTTP/1.1\r\n");
  std::this_thread::sleep_for(100ms);
  client.send("X-Slow: 1\r\n");  // trickling bytes does not extend the deadline
  CHECK(client.closed_by_server());
  CHECK(std::chrono::steady_clock::now() - start < 2500ms);
}

TEST_CASE("session: a kept-alive connection is closed after idle_timeout") {
  Server server({{"idle_timeout", std::chrono::milliseconds(300)}});
  TestClient client(server.path());
  REQUIRE(client.request("GET", "/health")->status == 200);
  const auto start = std::chrono::steady_clock::now();
  CHECK(client.closed_by_server());
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 250ms);
  CHECK(waited < 2500ms);
  CHECK(eventually([&] { return server.host().metric_registry.level("socket_connections") == 0; }));
}

TEST_CASE("session: connections beyond max_connections are answered 503") {
  Server server({{"max_connections", std::int64_t{1}}, {"reserved_connections", std::int64_t{0}}});
  auto first = std::make_unique<TestClient>(server.path());
  REQUIRE(first->request("GET", "/health")->status == 200);

  TestClient second(server.path());
  auto refused = second.read_response();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->body == R"({"error":"too many connections"})");
  CHECK(server.host().logger.contains("connection limit of 1 reached"));

  first.reset();
  REQUIRE(eventually([&] { return server.host().metric_registry.level("socket_connections") == 0; }));
  TestClient third(server.path());
  CHECK(third.request("GET", "/health")->status == 200);
  CHECK(server.host().logger.contains("accepting connections again after refusing 1"));
}

TEST_CASE("session: stop closes idle connections, calls done and removes the socket file") {
  Server server;
  TestClient client(server.path());
  REQUIRE(client.request("GET", "/health")->status == 200);
  CHECK(server.stop());
  CHECK(client.closed_by_server());
  CHECK_FALSE(fs::exists(fs::symlink_status(server.path())));
}

TEST_CASE("session: stop with no connection calls done at once") {
  Server server;
  CHECK(server.host().logger.contains("listening on " + server.path().string() + " (mode 0660, max 256 connections"));
  CHECK(server.stop());
  CHECK_FALSE(fs::exists(fs::symlink_status(server.path())));
}

TEST_CASE("session: stop lets the request being answered finish") {
  Server server;
  auto kept = std::make_shared<std::promise<sdk::Responder>>();
  REQUIRE(server.host()
              .route_table
              .add({"GET", "/api/slow", false, sdk::surface_socket, false,
                    [kept](sdk::HttpRequest, sdk::Responder respond) { kept->set_value(std::move(respond)); }})
              .ok);
  TestClient client(server.path());
  client.send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
  auto responder_future = kept->get_future();
  REQUIRE(responder_future.wait_for(5s) == std::future_status::ready);
  auto responder = responder_future.get();

  auto stopped = server.stop_async();
  CHECK(stopped.wait_for(200ms) == std::future_status::timeout);
  responder(sdk::HttpResponse::json(200, R"({"late":true})"));
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("connection") == "close");
  CHECK(client.closed_by_server());
  CHECK(stopped.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("session: a second front-end on the same path refuses to start") {
  Server server;
  boost::asio::io_context io;
  FakeHost host(io, make_config({{"path", server.path().string()},
                                 {"photo_dirs", std::vector<std::string>{server.dir().string()}}}));
  SocketFrontend second(host);
  REQUIRE(second.configure().ok);
  const auto started = second.start();
  CHECK_FALSE(started.ok);
  CHECK(started.message == "another notifyd is listening on " + server.path().string());
  // The first one still serves.
  TestClient client(server.path());
  CHECK(client.request("GET", "/health")->status == 200);
}

TEST_CASE("session: /send_photo end to end") {
  Server server;
  const fs::path photo = server.dir() / "chart.png";
  std::ofstream(photo, std::ios::binary) << png_bytes;
  TestClient client(server.path());
  auto response = client.request("POST", "/send_photo",
                                 R"({"user":")" + self_name + R"(","photo_path":")" + photo.string() + R"("})");
  REQUIRE(response);
  CHECK(response->status == 200);
  const auto published = server.host().history.published();
  REQUIRE(published.size() == 1);
  REQUIRE(published[0].image);
  CHECK(published[0].image->bytes == png_bytes);
}
