// The plugin as the daemon runs it, over a real unix socket: how it sets up
// its sdk::http server (the session itself is tested in the SDK's tests).

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "notifyd/sdk/plugin_adapter.hpp"
#include "notifyd/testing/running_plugin.hpp"
#include "socket_frontend.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::socket_api;
using namespace notifyd::socket_api::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The plugin behind the adapter NOTIFYD_PLUGIN exports, listening in a temporary directory.
class Running {
 public:
  explicit Running(std::map<std::string, sdk::ConfigValue> overrides = {})
      : path_(dir_ / "n.sock"), running_(config(overrides, path_)) {}

  bool stop() { return running_.stop(); }
  FakeHost& host() { return running_.host(); }
  const fs::path& path() const { return path_; }

 private:
  static sdk::PluginConfig config(std::map<std::string, sdk::ConfigValue> overrides, const fs::path& path) {
    overrides.try_emplace("path", path.string());
    return make_config(overrides);
  }

  TempDir dir_;
  fs::path path_;
  notifyd::testing::RunningPlugin<sdk::PluginAdapter<SocketFrontend, sdk::Kind::frontend>, FakeHost> running_;
};

}  // namespace

TEST_CASE("frontend: serves its socket with its mode, its routes and the socket_ metrics") {
  Running running({{"mode", std::string("0600")}});
  struct stat info{};
  REQUIRE(::lstat(running.path().c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(running.host().logger.contains("listening on " + running.path().string() +
                                       " (mode 0600, max 256 connections, photo_dirs none)"));

  TestClient client(running.path());
  auto health = client.request("GET", "/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
  CHECK(client.request("GET", "/nope")->status == 404);
  CHECK(running.host().metric_registry.count("socket_requests_total") == 2);
  CHECK(running.host().metric_registry.count("socket_errors_total", {{"status", "404"}}) == 1);
  CHECK(running.host().metric_registry.level("socket_connections") == 1);

  CHECK(running.stop());
  CHECK(client.closed_by_server());
  CHECK_FALSE(fs::exists(fs::symlink_status(running.path())));
}

TEST_CASE("frontend: request_timeout still bounds a handler's answer unless answer_timeout is set") {
  {
    Running running({{"request_timeout", std::chrono::milliseconds(300)}});
    auto kept = std::make_shared<std::promise<sdk::Responder>>();  // destroyed before the io_context
    REQUIRE(running.host()
                .route_table
                .add({"GET", "/api/never", false, sdk::surface_socket, false,
                      [kept](sdk::HttpRequest, sdk::Responder respond) { kept->set_value(std::move(respond)); }})
                .ok);
    TestClient client(running.path());
    const auto started = std::chrono::steady_clock::now();
    auto response = client.request("GET", "/api/never");
    REQUIRE(response);
    CHECK(response->status == 504);
    CHECK(std::chrono::steady_clock::now() - started >= 250ms);
  }
  {
    Running running({{"request_timeout", std::chrono::milliseconds(300)}, {"answer_timeout", std::chrono::milliseconds(60'000)}});
    std::vector<std::thread> answering;
    REQUIRE(running.host().route_table.add({"GET", "/api/later", false, sdk::surface_socket, false,
                                            [&](sdk::HttpRequest, sdk::Responder respond) {
                                              answering.emplace_back([respond] {
                                                std::this_thread::sleep_for(600ms);
                                                respond(sdk::HttpResponse::json(200, "{}"));
                                              });
                                            }})
                .ok);
    TestClient client(running.path());
    auto response = client.request("GET", "/api/later");
    REQUIRE(response);
    CHECK(response->status == 200);
    for (auto& thread : answering) thread.join();
  }
}

TEST_CASE("frontend: a connection beyond max_connections is answered 503") {
  Running running({{"max_connections", std::int64_t{1}}, {"reserved_connections", std::int64_t{0}}});
  TestClient first(running.path());
  REQUIRE(first.request("GET", "/health")->status == 200);
  TestClient second(running.path());
  auto refused = second.read_response();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->body == R"({"error":"too many connections"})");
  CHECK(running.host().logger.contains("connection limit of 1 reached (0 kept for root and admins)"));
}
