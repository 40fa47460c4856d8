#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>

namespace notifyctl {

/// One HTTP request to the daemon; the body, if any, is sent as application/json.
struct ApiRequest {
  std::string method;  ///< upper case verb, e.g. GET
  std::string target;  ///< path and query, starts with '/'
  std::optional<std::string> json_body;
};

/// Whatever the daemon answered, 2xx or not.
struct ApiResponse {
  unsigned status = 0;
  std::string reason;
  std::string content_type;
  std::string body;

  bool successful() const { return status >= 200 && status < 300; }
};

/// No usable answer. `unreachable`: socket missing, refused, closed or timed out;
/// `bad_response`: the bytes that came back are not an acceptable HTTP response.
struct TransportFailure {
  enum class Kind { unreachable, bad_response };
  Kind kind = Kind::unreachable;
  std::string message;
};

/// HTTP/1.1 over the daemon's unix socket, one connection per request. The timeout
/// covers connect, write and read together, so a hung daemon cannot hang the caller.
class ApiClient {
 public:
  static constexpr std::size_t response_body_limit = 16 * 1024 * 1024;

  ApiClient(std::string socket_path, std::chrono::milliseconds timeout);

  std::variant<ApiResponse, TransportFailure> send(const ApiRequest& request) const;

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
  std::chrono::milliseconds timeout_;
};

/// "30 s", "0.5 s": a timeout as people write it.
std::string describe_seconds(std::chrono::milliseconds duration);

}  // namespace notifyctl
