#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace notifyd::testing {

/// One HTTP response as a client read it.
struct RawResponse {
  unsigned status = 0;
  std::multimap<std::string, std::string> headers;  ///< lower-case names
  std::string body;

  /// The first value of header `name` (lower-case), or empty.
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// A blocking HTTP/1.1 client on a unix socket or on 127.0.0.1, with a receive timeout.
class HttpClient {
 public:
  /// Connects to the unix socket at `path`.
  explicit HttpClient(const std::filesystem::path& path, int timeout_ms = 5000) : host_("localhost") {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    connect(AF_UNIX, reinterpret_cast<sockaddr*>(&address), sizeof address, timeout_ms);
  }
  /// Connects to `port` on 127.0.0.1.
  explicit HttpClient(std::uint16_t port, int timeout_ms = 5000) : host_("127.0.0.1") {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(AF_INET, reinterpret_cast<sockaddr*>(&address), sizeof address, timeout_ms);
  }
  ~HttpClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `bytes` as they are.
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// Reads one response; nullopt when the connection ends or times out first.
  std::optional<RawResponse> read_response() {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse response;
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    response.status = static_cast<unsigned>(std::stoul(head.substr(9, 3)));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers.emplace(name, value);
    }
    const std::string length_text = response.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  /// True when the server closes the connection (read returns 0 or a reset) before the timeout.
  bool closed_by_server() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  /// Sends one request and reads its response; a body (or a POST) gets a Content-Length.
  std::optional<RawResponse> request(const std::string& method, const std::string& target, const std::string& body = {},
                                     const std::string& extra_headers = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n" + extra_headers;
    if (!body.empty() || method == "POST") {
      if (!body_type.empty()) text += "Content-Type: " + body_type + "\r\n";
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "\r\n" + body;
    send(text);
    return read_response();
  }

  std::string body_type;  ///< the Content-Type request() gives a body; none when empty

 private:
  void connect(int family, const sockaddr* address, socklen_t size, int timeout_ms) {
    fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    if (::connect(fd_, address, size) != 0) {
      const int error = errno;
      ::close(fd_);
      fd_ = -1;
      throw std::runtime_error("connect: " + std::string(std::strerror(error)));
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  bool fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::string host_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace notifyd::testing
