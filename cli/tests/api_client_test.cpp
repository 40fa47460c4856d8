#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api_client.hpp"

using namespace notifyctl;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using stream_protocol = asio::local::stream_protocol;

namespace {

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    char name[] = "/tmp/notifyctl-test-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path_ = name;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    ::unlink((path_ + "/daemon.sock").c_str());
    ::rmdir(path_.c_str());
  }
  std::string socket_path() const { return path_ + "/daemon.sock"; }

 private:
  std::string path_;
};

// Listens on a unix socket; answers one connection with `raw_response` after
// reading the request, or never accepts when started without a response.
class FakeDaemon {
 public:
  explicit FakeDaemon(std::string socket_path) : acceptor_(io_, stream_protocol::endpoint(socket_path)) {}

  FakeDaemon(std::string socket_path, std::string raw_response) : FakeDaemon(std::move(socket_path)) {
    server_ = std::thread([this, response = std::move(raw_response)] {
      stream_protocol::socket socket = acceptor_.accept();
      boost::beast::flat_buffer buffer;
      boost::system::error_code error;
      http::read(socket, buffer, received_, error);
      if (!response.empty()) asio::write(socket, asio::buffer(response), error);
      socket.shutdown(stream_protocol::socket::shutdown_both, error);
    });
  }
  FakeDaemon(const FakeDaemon&) = delete;
  FakeDaemon& operator=(const FakeDaemon&) = delete;
  ~FakeDaemon() { join(); }

  const http::request<http::string_body>& received() {
    join();
    return received_;
  }

 private:
  void join() {
    if (server_.joinable()) server_.join();
  }

  asio::io_context io_;
  stream_protocol::acceptor acceptor_;
  http::request<http::string_body> received_;
  std::thread server_;
};

ApiResponse answered(const std::variant<ApiResponse, TransportFailure>& result) {
  if (const auto* failure = std::get_if<TransportFailure>(&result)) FAIL("unexpected failure: " << failure->message);
  return std::get<ApiResponse>(result);
}

TransportFailure failed(const std::variant<ApiResponse, TransportFailure>& result) {
  if (!std::holds_alternative<TransportFailure>(result)) FAIL("expected a transport failure");
  return std::get<TransportFailure>(result);
}

}  // namespace

TEST_CASE("a missing socket is unreachable, with a hint", "[api_client]") {
  const TemporaryDirectory directory;
  const ApiClient client(directory.socket_path(), 1s);
  const TransportFailure failure = failed(client.send({"GET", "/v1/health", std::nullopt}));
  CHECK(failure.kind == TransportFailure::Kind::unreachable);
  CHECK(failure.message == "cannot connect to " + directory.socket_path() +
                               ": No such file or directory (is notifyd running? set --socket or NOTIFYD_SOCKET)");
}

TEST_CASE("a socket path too long for sockaddr_un is unreachable, not a crash", "[api_client]") {
  const std::string path = "/tmp/" + std::string(200, 'x') + ".sock";
  const TransportFailure failure = failed(ApiClient(path, 1s).send({"GET", "/v1/health", std::nullopt}));
  CHECK(failure.kind == TransportFailure::Kind::unreachable);
  CHECK(failure.message.starts_with("cannot connect to " + path + ": "));
}

TEST_CASE("a daemon that never answers times out", "[api_client]") {
  const TemporaryDirectory directory;
  const FakeDaemon silent(directory.socket_path());
  const auto started = std::chrono::steady_clock::now();
  const TransportFailure failure =
      failed(ApiClient(directory.socket_path(), 200ms).send({"GET", "/v1/health", std::nullopt}));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(failure.kind == TransportFailure::Kind::unreachable);
  CHECK(failure.message == "no answer from " + directory.socket_path() +
                               " within 0.2 s (is notifyd stuck? raise --timeout)");
  CHECK(elapsed >= 200ms);
  CHECK(elapsed < 5s);
}

TEST_CASE("a request goes out as HTTP/1.1 with a JSON body, and the answer comes back", "[api_client]") {
  const TemporaryDirectory directory;
  FakeDaemon daemon(directory.socket_path(),
                    "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"id\":42}");
  const ApiResponse response =
      answered(ApiClient(directory.socket_path(), 5s).send({"POST", "/v1/notify", std::string(R"({"message":"hi"})")}));
  CHECK(response.status == 202);
  CHECK(response.successful());
  CHECK(response.reason == "Accepted");
  CHECK(response.content_type == "application/json");
  CHECK(response.body == R"({"id":42})");

  const auto& request = daemon.received();
  CHECK(request.method() == http::verb::post);
  CHECK(request.target() == "/v1/notify");
  CHECK(request.version() == 11);
  CHECK(request[http::field::content_type] == "application/json");
  CHECK(request[http::field::host] == "localhost");
  CHECK(request.body() == R"({"message":"hi"})");
}

TEST_CASE("a non-2xx answer is a response, not a failure", "[api_client]") {
  const TemporaryDirectory directory;
  const FakeDaemon daemon(directory.socket_path(),
                          "HTTP/1.1 404 Not Found\r\nContent-Length: 20\r\n\r\n{\"error\":\"unlinked\"}");
  const ApiResponse response = answered(ApiClient(directory.socket_path(), 5s).send({"GET", "/v1/x", std::nullopt}));
  CHECK(response.status == 404);
  CHECK_FALSE(response.successful());
  CHECK(response.body == R"({"error":"unlinked"})");
}

TEST_CASE("an answer above 16 MiB is refused", "[api_client]") {
  const TemporaryDirectory directory;
  const FakeDaemon daemon(directory.socket_path(), "HTTP/1.1 200 OK\r\nContent-Length: 16777217\r\n\r\n");
  const TransportFailure failure =
      failed(ApiClient(directory.socket_path(), 5s).send({"GET", "/v1/history", std::nullopt}));
  CHECK(failure.kind == TransportFailure::Kind::bad_response);
  CHECK(failure.message == "the daemon's response is larger than 16 MiB");
}

TEST_CASE("garbage instead of HTTP is a bad response", "[api_client]") {
  const TemporaryDirectory directory;
  const FakeDaemon daemon(directory.socket_path(), "SSH-2.0-OpenSSH\r\n\r\n");
  const TransportFailure failure =
      failed(ApiClient(directory.socket_path(), 5s).send({"GET", "/v1/health", std::nullopt}));
  CHECK(failure.kind == TransportFailure::Kind::bad_response);
  CHECK(failure.message.starts_with("invalid HTTP response from notifyd: "));
}

TEST_CASE("a daemon that hangs up without answering is unreachable", "[api_client]") {
  const TemporaryDirectory directory;
  const FakeDaemon daemon(directory.socket_path(), "");
  const TransportFailure failure =
      failed(ApiClient(directory.socket_path(), 5s).send({"GET", "/v1/health", std::nullopt}));
  CHECK(failure.kind == TransportFailure::Kind::unreachable);
  CHECK(failure.message == "notifyd closed the connection on " + directory.socket_path() + " without answering");
}

TEST_CASE("timeouts are described in seconds", "[api_client]") {
  CHECK(describe_seconds(30s) == "30 s");
  CHECK(describe_seconds(2500ms) == "2.5 s");
  CHECK(describe_seconds(1ms) == "0.001 s");
}
