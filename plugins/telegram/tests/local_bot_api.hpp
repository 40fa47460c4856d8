#pragma once
// A Bot API stand-in on a loopback socket for the client and sender tests.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace notifyd::telegram::testing {

/// A loopback HTTP/1.1 server that records requests and answers each with
/// `reply` (or never, when `silent`; `delay` later), keeping connections open.
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
  std::chrono::milliseconds delay{0};  ///< set before the first request

 private:
  void serve() {
    std::vector<int> clients;
    std::map<int, std::string> buffers;
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (int fd : clients) fds.push_back({fd, POLLIN, 0});
      answer_due();
      if (::poll(fds.data(), fds.size(), 10) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        clients.push_back(::accept(listener_, nullptr, nullptr));
        ++accepted_;
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char chunk[65536];
        const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
        if (n <= 0) {
          std::erase_if(due_, [&](const Due& answer) { return answer.fd == fds[i].fd; });
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
      due_.push_back({std::chrono::steady_clock::now() + delay, fd, response});
    }
    answer_due();
  }

  void answer_due() {
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(due_, [&](const Due& answer) {
      if (answer.at > now) return false;
      [[maybe_unused]] auto written = ::write(answer.fd, answer.response.data(), answer.response.size());
      return true;
    });
  }

  struct Due {
    std::chrono::steady_clock::time_point at;
    int fd;
    std::string response;
  };
  std::vector<Due> due_;  ///< answers waiting for their time (the server's thread only)
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

}  // namespace notifyd::telegram::testing
