#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <chrono>
#include <mutex>
#include <thread>

#include "bot_api_client.hpp"

using namespace notifyd::telegram;
using namespace std::chrono_literals;

namespace {

const std::string token = "123456:SECRET-token_value";

/// A loopback HTTP/1.1 server that records requests and answers each with
/// `reply` (or never, when `silent`), keeping connections open.
class LocalServer {
 public:
  LocalServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    ::listen(listener_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int accepted() const { return accepted_; }

  std::string reply = "{\"ok\":true,\"result\":[]}";
  std::atomic<bool> silent{false};

 private:
  void serve() {
    std::vector<int> clients;
    std::map<int, std::string> buffers;
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (int fd : clients) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        clients.push_back(::accept(listener_, nullptr, nullptr));
        ++accepted_;
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char chunk[65536];
        const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
        if (n <= 0) {
          ::close(fds[i].fd);
          std::erase(clients, fds[i].fd);
          continue;
        }
        std::string& buffer = buffers[fds[i].fd];
        buffer.append(chunk, static_cast<std::size_t>(n));
        answer_complete_requests(fds[i].fd, buffer);
      }
    }
    for (int fd : clients) ::close(fd);
  }

  void answer_complete_requests(int fd, std::string& buffer) {
    while (true) {
      const auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) return;
      std::size_t length = 0;
      const auto header = buffer.find("Content-Length: ");
      if (header != std::string::npos && header < end) length = std::stoul(buffer.substr(header + 16));
      if (buffer.size() < end + 4 + length) return;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(buffer.substr(0, end + 4 + length));
      }
      buffer.erase(0, end + 4 + length);
      if (silent) continue;
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(reply.size()) + "\r\n\r\n" + reply;
      [[maybe_unused]] auto written = ::write(fd, response.data(), response.size());
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

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
