#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "bot_api_client.hpp"
#include "local_bot_api.hpp"

using namespace notifyd::telegram;
using notifyd::telegram::testing::LocalServer;
using namespace std::chrono_literals;

namespace {

const std::string token = "123456:SECRET-token_value";

}  // namespace

TEST_CASE("calls go to /bot<token>/<method> as JSON over one kept connection", "[bot_api_client]") {
  LocalServer server;
  BotApiClient client({server.url(), token, 5s});
  const auto first = client.call("getMe", "{}");
  const auto second = client.call("sendMessage", R"({"chat_id":1,"text":"hi"})");
  CHECK(first.ok);
  CHECK(second.ok);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].starts_with("POST /bot" + token + "/getMe HTTP/1.1"));
  CHECK(requests[1].find("Content-Type: application/json") != std::string::npos);
  CHECK(requests[1].ends_with(R"({"chat_id":1,"text":"hi"})"));
  CHECK(server.accepted() == 1);
}

TEST_CASE("a photo goes as multipart with its fields", "[bot_api_client]") {
  LocalServer server;
  BotApiClient client({server.url(), token, 5s});
  const std::string png("\x89PNG\r\n\x1a\n\0\0binary", 16);
  const auto reply = client.upload("sendPhoto", {{"chat_id", "5"}, {"caption", "Daily"}}, "photo", png, "image.png",
                                   "image/png");
  CHECK(reply.ok);
  const auto request = server.requests().at(0);
  CHECK(request.find("multipart/form-data; boundary=") != std::string::npos);
  CHECK(request.find("name=\"caption\"\r\n\r\nDaily") != std::string::npos);
  CHECK(request.find("filename=\"image.png\"") != std::string::npos);
  CHECK(request.find("Content-Type: image/png") != std::string::npos);
  CHECK(request.find(png) != std::string::npos);
}

TEST_CASE("interrupt cuts a call in flight short at once", "[bot_api_client]") {
  LocalServer server;
  server.silent = true;
  BotApiClient client({server.url(), token, 60s});
  const auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    client.interrupt();
  });
  const auto reply = client.call("getUpdates", "{}", 60s);
  stopper.join();
  CHECK(reply.interrupted);
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK(client.call("getMe", "{}").interrupted);
}

TEST_CASE("timeouts, refusals and oversized replies never show the token", "[bot_api_client]") {
  {
    LocalServer server;
    server.silent = true;
    BotApiClient client({server.url(), token, 1s});
    const auto reply = client.call("sendMessage", "{}");
    CHECK_FALSE(reply.ok);
    CHECK(reply.transport_error.find("/bot<redacted>/sendMessage") != std::string::npos);
    CHECK(reply.transport_error.find(token) == std::string::npos);
  }
  {
    BotApiClient client({"http://127.0.0.1:1", token, 1s});
    const auto reply = client.call("getMe", "{}");
    CHECK_FALSE(reply.ok);
    CHECK_FALSE(reply.transport_error.empty());
    CHECK(reply.summary().find(token) == std::string::npos);
  }
  {
    LocalServer server;
    server.reply = "{\"ok\":true,\"result\":\"" + std::string(max_reply_bytes, 'x') + "\"}";
    BotApiClient client({server.url(), token, 10s});
    const auto reply = client.call("getUpdates", "{}");
    CHECK_FALSE(reply.ok);
    CHECK(reply.transport_error.find("larger than") != std::string::npos);
  }
}

TEST_CASE("a reply that is not the Bot API's is a failure with the HTTP status", "[bot_api_client]") {
  LocalServer server;
  server.reply = "<html>proxy error</html>";
  BotApiClient client({server.url(), token, 5s});
  const auto reply = client.call("getMe", "{}");
  CHECK_FALSE(reply.ok);
  CHECK(reply.http_status == 200);
  CHECK(reply.error_code == 502);
}

TEST_CASE("one client switches between JSON and multipart bodies", "[bot_api_client]") {
  LocalServer server;
  BotApiClient client({server.url(), token, 5s});
  CHECK(client.call("sendMessage", R"({"text":"one"})").ok);
  CHECK(client.upload("sendPhoto", {{"chat_id", "1"}}, "photo", "bytes", "a.png", "image/png").ok);
  CHECK(client.call("sendMessage", R"({"text":"two"})").ok);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].find("application/json") != std::string::npos);
  CHECK(requests[1].find("multipart/form-data") != std::string::npos);
  CHECK(requests[2].find("application/json") != std::string::npos);
  CHECK(requests[2].ends_with(R"({"text":"two"})"));
  CHECK(server.accepted() == 1);
}
