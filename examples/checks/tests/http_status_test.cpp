#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "contract_json.hpp"
#include "loaded_check.hpp"
#include "loopback_http_server.hpp"

using namespace std::chrono_literals;
using notifyd::examples::testing::closed_port_url;
using notifyd::examples::testing::contract_json;
using notifyd::examples::testing::LoadedCheck;
using notifyd::examples::testing::LoopbackHttpServer;
namespace sdk = notifyd::sdk;

namespace {

LoadedCheck probe(const std::string& url, std::int64_t expected = 200, std::chrono::milliseconds timeout = 10s) {
  return LoadedCheck(HTTP_STATUS_LIBRARY, {{"url", url}, {"expected_status", expected}, {"request_timeout", timeout}});
}

/// Runs `check` and says how long it took.
template <class Run>
std::chrono::milliseconds timed(Run&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("http_status exports a check whose request timeout is its own key") {
  LoadedCheck check(HTTP_STATUS_LIBRARY, {{"url", std::string("http://127.0.0.1/")}});
  CHECK(std::string(check.descriptor().name) == "http_status");
  CHECK(check.schema().find("url")->required);
  CHECK(std::get<std::int64_t>(check.schema().find("expected_status")->default_value) == 200);
  CHECK(check.schema().find("request_timeout"));
  // `timeout` in a [[check]] table is the host's (the whole run), so the check must not declare it.
  CHECK_FALSE(check.schema().find("timeout"));
}

TEST_CASE("http_status is quiet when the URL answers the expected status") {
  LoopbackHttpServer server(200);
  auto check = probe(server.url());
  REQUIRE(check.configured());
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK_FALSE(result->notify);
  CHECK(result->data_json.find("\"status\":200") != std::string::npos);
  CHECK(server.requests() == 1);
  CHECK(server.last_request().rfind("GET /health HTTP/1.1\r\n", 0) == 0);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());
}

TEST_CASE("http_status notifies when the status differs, and accepts a configured non-200") {
  LoopbackHttpServer server(503, LoopbackHttpServer::Mode::answer, std::string(256 * 1024, 'x'));
  auto check = probe(server.url());
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title == server.url() + " answered 503");
  CHECK(result->message.find("`GET " + server.url() + "` answered 503, expected 200 (after ") == 0);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());

  LoopbackHttpServer not_found(404);
  auto expecting_404 = probe(not_found.url(), 404);
  auto quiet = expecting_404.run();
  REQUIRE(quiet.ok());
  CHECK_FALSE(quiet->notify);
}

TEST_CASE("http_status notifies when nothing listens") {
  auto check = probe(closed_port_url());
  auto result = check.run();
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->title.find(" is unreachable") != std::string::npos);
  CHECK(result->message.find("failed: ") != std::string::npos);
  CHECK(result->data_json.find("\"status\":null") != std::string::npos);
  CHECK(sdk::parse_check_result(contract_json(result.value())).ok());
}

TEST_CASE("http_status gives up after request_timeout and notifies") {
  LoopbackHttpServer server(200, LoopbackHttpServer::Mode::never_answer);
  auto check = probe(server.url(), 200, 300ms);
  sdk::Result<sdk::CheckResult> result = sdk::Result<sdk::CheckResult>::failure("not run");
  const auto took = timed([&] { result = check.run(); });
  REQUIRE(result.ok());
  CHECK(result->notify);
  CHECK(result->message.find("no answer within 300ms") != std::string::npos);
  CHECK(took < 3s);
}

TEST_CASE("http_status, never cancelled, gives up a second after the run's timeout") {
  LoopbackHttpServer server(200, LoopbackHttpServer::Mode::never_answer);
  auto check = probe(server.url(), 200, 60s);
  sdk::Result<sdk::CheckResult> result = sdk::Result<sdk::CheckResult>::failure("not run");
  const auto took = timed([&] { result = check.run(400ms); });
  REQUIRE(result.ok());
  CHECK(result->message.find("no answer within") != std::string::npos);
  CHECK(took >= 1s);
  CHECK(took < 5s);
}

TEST_CASE("http_status stops a request as soon as the run is cancelled") {
  LoopbackHttpServer server(200, LoopbackHttpServer::Mode::never_answer);
  auto check = probe(server.url(), 200, 60s);
  std::atomic<bool> cancelled{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    cancelled = true;
  });
  sdk::Result<sdk::CheckResult> result = sdk::Result<sdk::CheckResult>::failure("not run");
  const auto took = timed([&] { result = check.run(60s, &cancelled); });
  canceller.join();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().find("cancelled") != std::string::npos);
  CHECK(took < 3s);

  std::atomic<bool> already{true};
  auto before = check.run(60s, &already);
  REQUIRE_FALSE(before.ok());
  CHECK(before.error() == "cancelled before the request started");
}

TEST_CASE("http_status refuses bad URLs, statuses and timeouts") {
  CHECK_FALSE(probe("ftp://127.0.0.1/file").configured());
  CHECK_FALSE(probe("not a url").configured());
  CHECK_FALSE(probe("http://127.0.0.1/", 99).configured());
  CHECK_FALSE(probe("http://127.0.0.1/", 600).configured());
  CHECK_FALSE(probe("http://127.0.0.1/", 200, 0ms).configured());
  CHECK(probe("https://127.0.0.1:8443/health").configured());
}
