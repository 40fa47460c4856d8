// sdk::http::Server over real sockets (a unix socket, 127.0.0.1, TLS) with a
// fake host: framing, limits, per-phase timeouts, the answer-once responder,
// overload, peers, WebSocket upgrades (checked, tracked, over TLS), stop.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "notifyd/sdk/http/server.hpp"
#include "notifyd/sdk/peer_user.hpp"
#include "notifyd/sdk/tls_server_context.hpp"
#include "notifyd/testing/fake_host.hpp"
#include "notifyd/testing/http_client.hpp"
#include "notifyd/testing/plugin_config.hpp"
#include "notifyd/testing/temp_dir.hpp"

using namespace notifyd;
using namespace notifyd::sdk::http;
using namespace std::chrono_literals;
using notifyd::testing::HttpClient;
using notifyd::testing::TempDir;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;

namespace {

using Host = notifyd::testing::FakeHost<>;

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 1000; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// What the default test handler answers: the method, path, query `q`, and body.
void echo(const Peer&, sdk::HttpRequest request, sdk::Responder respond) {
  std::string text = request.method + " " + request.path;
  if (auto q = request.param("q")) text += " q=" + std::string(*q);
  if (!request.body.empty()) text += " body=" + request.body;
  respond({200, "text/plain", std::move(text), {}});
}

ServerSettings quick_settings() {
  ServerSettings settings;
  settings.header_timeout = 3s;
  settings.idle_timeout = 3s;
  settings.request_timeout = 3s;
  settings.answer_timeout = 3s;
  return settings;
}

// One server on its own io_context threads; on a unix socket unless `settings.listen` is TCP.
class TestServer {
 public:
  explicit TestServer(ServerSettings settings = quick_settings(), ServerOptions options = {}, bool tcp = false)
      : host_(io_, sdk::PluginConfig{}, sdk::Kind::frontend, "test") {
    if (tcp) {
      if (settings.listen.address.is_unspecified()) settings.listen.address = net::ip::address_v4::loopback();
    } else {
      settings.listen.unix_path = dir_.path() / "s.sock";
    }
    if (!options.handler) options.handler = echo;
    if (options.metrics_prefix.empty()) options.metrics_prefix = "test";
    options.description = "the test server";
    server_ = Server::create(host_, std::move(settings), std::move(options));
    std::promise<sdk::Status> opened;
    net::post(host_.executor(), [&] {
      auto status = server_->open();
      if (status) server_->run();
      opened.set_value(status);
    });
    for (int i = 0; i < 2; ++i) runners_.emplace_back([this] { io_.run(); });
    const auto status = opened.get_future().get();
    INFO(status.message);
    REQUIRE(status.ok);
  }

  ~TestServer() {
    stop();
    work_.reset();
    if (!eventually([this] { return io_.stopped(); })) io_.stop();
    for (auto& runner : runners_) runner.join();
  }

  /// Stops the server on its executor; true when `done` was called.
  bool stop() {
    if (stopped_) return true;
    return stop_async().wait_for(5s) == std::future_status::ready;
  }
  std::future<void> stop_async() {
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    net::post(host_.executor(), [this, done] { server_->stop([done] { done->set_value(); }); });
    return finished;
  }

  HttpClient client() const {
    if (server_->settings().listen.is_unix()) return HttpClient(server_->settings().listen.unix_path);
    return HttpClient(server_->local_endpoint().port());
  }
  std::uint16_t port() const { return server_->local_endpoint().port(); }
  Host& host() { return host_; }
  Server& server() { return *server_; }
  const fs::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_{io_.get_executor()};
  Host host_;
  std::shared_ptr<Server> server_;
  std::vector<std::thread> runners_;
  bool stopped_ = false;
};

// A self-signed certificate for localhost in `dir`; false when openssl is missing.
bool make_certificate(const fs::path& dir) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) return false;
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " +
                              (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// A server TLS context for a self-signed certificate made in `dir`; null, with
// a warning, when the openssl command is missing.
std::shared_ptr<net::ssl::context> server_tls_context(const fs::path& dir) {
  if (!make_certificate(dir)) {
    WARN("openssl command not found; TLS test skipped");
    return nullptr;
  }
  auto context = sdk::make_tls_server_context((dir / "cert.pem").string(), (dir / "key.pem").string());
  REQUIRE(context);
  return context.value();
}

// Echoes every message on `session` until it closes.
template <class WebSocket>
void echo_messages(std::shared_ptr<WebSocket> session) {
  auto buffer = std::make_shared<beast::flat_buffer>();
  session->async_read(*buffer, [session, buffer](beast::error_code ec, std::size_t) {
    if (ec) return;
    session->text(true);
    session->async_write(buffer->data(), [session, buffer](beast::error_code write_error, std::size_t) {
      if (!write_error) echo_messages(session);
    });
  });
}

}  // namespace

TEST_CASE("http server: keep-alive, pipelining, HTTP/1.0, decoded targets, metrics") {
  TestServer server;
  auto client = server.client();
  for (int i = 0; i < 3; ++i) {
    auto response = client.request("GET", "/a%20b?q=x+y");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "GET /a b q=x y");
    CHECK(response->header("server") == "notifyd");
    CHECK(response->header("content-type") == "text/plain");
  }
  client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
  auto first = client.read_response();
  auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body == "GET /one");
  CHECK(second->body == "POST /two body=hi");
  CHECK(server.host().metric_registry.count("test_requests_total") == 5);
  CHECK(server.host().metric_registry.level("test_connections") == 1);

  auto old = server.client();
  old.send("GET /old HTTP/1.0\r\n\r\n");
  auto response = old.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(old.closed_by_server());
}

TEST_CASE("http server: HEAD is answered like GET, without the body") {
  TestServer server;
  net::io_context io;
  net::local::stream_protocol::socket socket(io);
  socket.connect(net::local::stream_protocol::endpoint(server.server().settings().listen.unix_path.string()));
  net::write(socket, net::buffer(std::string("HEAD /page HTTP/1.0\r\n\r\n")));
  std::string answer;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(answer), ec);
  CHECK(ec == net::error::eof);
  CHECK(answer.starts_with("HTTP/1.0 200 OK\r\n"));
  CHECK(answer.find("Content-Length: 9\r\n") != std::string::npos);  // the length of "GET /page"
  CHECK(answer.ends_with("\r\n\r\n"));
}

TEST_CASE("http server: garbage 400, bad target 400, oversized header 431, oversized body 413") {
  ServerSettings settings = quick_settings();
  settings.body_limit = 100;
  TestServer server(settings);
  {
    auto client = server.client();
    client.send("\x01\x02\x03 garbage\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body == R"({"error":"bad request"})");
    CHECK(client.closed_by_server());
  }
  {
    auto client = server.client();
    auto response = client.request("GET", "/bad%zz");
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body == R"({"error":"bad request target"})");
  }
  {
    auto client = server.client();
    client.send("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->status == 431);
  }
  {
    auto client = server.client();
    auto response = client.request("POST", "/send", std::string(200, ' '));
    REQUIRE(response);
    CHECK(response->status == 413);
    CHECK(response->body == R"({"error":"request body is larger than 100 bytes"})");
    CHECK(client.closed_by_server());
  }
  {
    auto client = server.client();
    client.send("POST /send HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n" + std::string(128, 'x') + "\r\n0\r\n\r\n");
    auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->status == 413);
  }
  CHECK(server.host().metric_registry.count("test_errors_total", {{"status", "400"}}) == 2);
  CHECK(server.host().metric_registry.count("test_errors_total", {{"status", "413"}}) == 2);
}

TEST_CASE("http server: decorate adds to every answer, the server's own 400, 413, 431, 503 and 504 too") {
  ServerSettings settings = quick_settings();
  settings.body_limit = 100;
  settings.max_connections = 2;
  settings.answer_timeout = 300ms;
  std::mutex mutex;
  std::vector<sdk::Responder> kept;
  ServerOptions options;
  options.handler = [&](const Peer& peer, sdk::HttpRequest request, sdk::Responder respond) {
    if (request.path != "/slow") return echo(peer, std::move(request), std::move(respond));
    std::lock_guard lock(mutex);
    kept.push_back(std::move(respond));
  };
  options.decorate = [](const Peer& peer, sdk::HttpResponse& response) {
    response.headers.emplace_back("X-Decorated", peer.local ? "local" : "tcp");
    response.headers.emplace_back("X-Bad", "a\r\nInjected: yes");
  };
  TestServer server(settings, options);
  // Each block's client is closed before the next connects; with
  // max_connections = 2 the next must not arrive before the server saw that.
  const auto settle = [&] { REQUIRE(eventually([&] { return server.server().connections() == 0; })); };
  const auto check_decorated = [](const std::optional<notifyd::testing::RawResponse>& response, unsigned status) {
    REQUIRE(response);
    CHECK(response->status == status);
    CHECK(response->header("x-decorated") == "local");
    CHECK(response->header("x-bad").empty());
    CHECK(response->header("injected").empty());
  };
  {
    auto client = server.client();
    check_decorated(client.request("GET", "/"), 200);
    check_decorated(client.request("GET", "/bad%zz"), 400);
  }
  settle();
  {
    auto client = server.client();
    client.send("\x01 garbage\r\n\r\n");
    check_decorated(client.read_response(), 400);
  }
  settle();
  {
    auto client = server.client();
    check_decorated(client.request("POST", "/send", std::string(200, ' ')), 413);
  }
  settle();
  {
    auto client = server.client();
    client.send("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    check_decorated(client.read_response(), 431);
  }
  settle();
  {
    auto client = server.client();
    check_decorated(client.request("GET", "/slow"), 504);
  }
  REQUIRE(eventually([&] { return server.server().connections() == 0; }));
  {
    auto first = server.client();
    auto second = server.client();
    REQUIRE(first.request("GET", "/"));
    REQUIRE(second.request("GET", "/"));
    auto third = server.client();
    third.send("GET / HTTP/1.1\r\n\r\n");
    const auto refused = third.read_response();
    check_decorated(refused, 503);
    CHECK(refused->header("retry-after") == "1");
    CHECK(refused->body == R"({"error":"too many connections"})");
  }
  std::lock_guard lock(mutex);
  kept.clear();
}

TEST_CASE("http server: Expect: 100-continue is honoured") {
  TestServer server;
  auto client = server.client();
  client.send("POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  auto interim = client.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  client.send("hello");
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "POST /up body=hello");
}

TEST_CASE("http server: handler headers cannot inject or reframe; bad statuses become 500") {
  ServerOptions options;
  options.handler = [](const Peer&, sdk::HttpRequest request, sdk::Responder respond) {
    if (request.path == "/status") return respond({42, "text/plain", "x", {}});
    sdk::HttpResponse response{200, "text/plain\r\nX-Evil: 1", "body", {}};
    response.headers = {{"X-Fine", "yes"}, {"X-Bad", "a\r\nX-Injected: 1"}, {"Bad Name", "x"},
                        {"Content-Length", "1000"}, {"Connection", "close"}};
    respond(std::move(response));
  };
  TestServer server(quick_settings(), options);
  auto client = server.client();
  auto response = client.request("GET", "/");
  REQUIRE(response);
  CHECK(response->header("x-fine") == "yes");
  CHECK(response->header("x-bad").empty());
  CHECK(response->header("x-injected").empty());
  CHECK(response->header("x-evil").empty());
  CHECK(response->header("content-type") == "application/octet-stream");
  CHECK(response->header("content-length") == "4");
  CHECK(response->body == "body");
  auto kept = client.request("GET", "/status");  // the connection was kept alive
  REQUIRE(kept);
  CHECK(kept->status == 500);
}

TEST_CASE("http server: the responder answers once, from any thread; later calls are ignored") {
  std::mutex mutex;
  std::vector<std::thread> threads;
  ServerOptions options;
  options.handler = [&](const Peer&, sdk::HttpRequest request, sdk::Responder respond) {
    std::lock_guard lock(mutex);
    threads.emplace_back([respond, path = request.path] {
      std::this_thread::sleep_for(50ms);
      respond({200, "text/plain", "first " + path, {}});
      respond({500, "text/plain", "second", {}});
    });
  };
  TestServer server(quick_settings(), options);
  auto client = server.client();
  for (int i = 0; i < 3; ++i) {
    auto response = client.request("GET", "/" + std::to_string(i));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "first /" + std::to_string(i));
  }
  server.stop();
  std::lock_guard lock(mutex);
  for (auto& thread : threads) thread.join();
}

TEST_CASE("http server: a handler that throws gets 500") {
  ServerOptions options;
  options.handler = [](const Peer&, sdk::HttpRequest, sdk::Responder) { throw std::runtime_error("boom"); };
  TestServer server(quick_settings(), options);
  auto client = server.client();
  auto response = client.request("GET", "/");
  REQUIRE(response);
  CHECK(response->status == 500);
  CHECK(response->body == R"({"error":"internal error"})");
  CHECK(server.host().logger.contains("handler failed: boom"));
}

TEST_CASE("http server: no answer within answer_timeout is 504, and a late answer is dropped") {
  std::mutex mutex;
  std::optional<sdk::Responder> kept;
  ServerSettings settings = quick_settings();
  settings.answer_timeout = 300ms;
  ServerOptions options;
  options.handler = [&](const Peer&, sdk::HttpRequest, sdk::Responder respond) {
    std::lock_guard lock(mutex);
    kept = std::move(respond);
  };
  TestServer server(settings, options);
  auto client = server.client();
  const auto started = std::chrono::steady_clock::now();
  auto response = client.request("GET", "/slow");
  REQUIRE(response);
  CHECK(response->status == 504);
  CHECK(response->body == R"({"error":"the request was not answered in time"})");
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);
  CHECK(client.closed_by_server());
  std::lock_guard lock(mutex);
  REQUIRE(kept);
  (*kept)({200, "text/plain", "too late", {}});  // nothing happens
  kept.reset();
}

TEST_CASE("http server: per-phase deadlines close the connection") {
  SECTION("the header must arrive within header_timeout") {
    ServerSettings settings = quick_settings();
    settings.header_timeout = 300ms;
    TestServer server(settings);
    auto client = server.client();
    const auto started = std::chrono::steady_clock::now();
    client.send("GET / HTTP/1.1\r\n");
    std::this_thread::sleep_for(100ms);
    client.send("X-Slow: 1\r\n");  // trickling bytes does not extend the deadline
    CHECK(client.closed_by_server());
    CHECK(std::chrono::steady_clock::now() - started < 2500ms);
  }
  SECTION("a kept-alive connection waits idle_timeout for its next request") {
    ServerSettings settings = quick_settings();
    settings.idle_timeout = 300ms;
    TestServer server(settings);
    auto client = server.client();
    REQUIRE(client.request("GET", "/"));
    const auto started = std::chrono::steady_clock::now();
    CHECK(client.closed_by_server());
    CHECK(std::chrono::steady_clock::now() - started >= 250ms);
  }
  SECTION("the body must arrive within request_timeout") {
    ServerSettings settings = quick_settings();
    settings.request_timeout = 300ms;
    TestServer server(settings);
    auto client = server.client();
    client.send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    CHECK(client.closed_by_server());
  }
}

TEST_CASE("http server: beyond max_connections new connections get 503 with Retry-After") {
  ServerSettings settings = quick_settings();
  settings.max_connections = 1;
  TestServer server(settings);
  auto first = server.client();
  REQUIRE(first.request("GET", "/"));
  auto second = server.client();
  second.send("GET / HTTP/1.1\r\n\r\n");
  auto refused = second.read_response();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->header("retry-after") == "1");
  CHECK(refused->body == R"({"error":"too many connections"})");
  CHECK(server.host().metric_registry.count("test_errors_total", {{"status", "503"}}) == 1);
  CHECK(server.host().logger.contains("answering 503"));
  CHECK(first.request("GET", "/")->status == 200);  // the connection being served is not disturbed
}

TEST_CASE("http server: a refused client that sends its request after the 503 arrived gets no broken pipe") {
  ServerSettings settings = quick_settings();
  settings.max_connections = 1;
  TestServer server(settings);
  auto first = server.client();
  REQUIRE(first.request("GET", "/"));
  auto late = server.client();
  auto refused = late.read_response();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK_NOTHROW(late.send("GET / HTTP/1.1\r\n\r\n"));
  CHECK(late.closed_by_server());
}

TEST_CASE("http server: an admission rule sees the peer and its open connections") {
  std::atomic<std::size_t> seen_of_uid{99};
  ServerOptions options;
  options.admit = [&](const Peer& peer, const OpenConnections& open) {
    seen_of_uid = open.of_peer_uid;
    return peer.credentials && open.of_peer_uid < 2;
  };
  TestServer server(quick_settings(), options);
  auto one = server.client();
  REQUIRE(one.request("GET", "/"));
  auto two = server.client();
  REQUIRE(two.request("GET", "/"));
  CHECK(seen_of_uid == 1);
  auto three = server.client();
  auto refused = three.request("GET", "/");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(seen_of_uid == 2);
  CHECK_FALSE(server.host().logger.contains("cannot serve more connections"));  // the rule logs its own refusals
}

TEST_CASE("http server: unix socket peers carry SO_PEERCRED and their user") {
  std::mutex mutex;
  std::optional<Peer> seen;
  ServerOptions options;
  options.peer_user = true;
  options.handler = [&](const Peer& peer, sdk::HttpRequest, sdk::Responder respond) {
    {
      std::lock_guard lock(mutex);
      seen = peer;
    }
    respond({200, "text/plain", "", {}});
  };
  TestServer server(quick_settings(), options);
  auto client = server.client();
  REQUIRE(client.request("GET", "/"));
  std::lock_guard lock(mutex);
  REQUIRE(seen);
  CHECK(seen->local);
  CHECK_FALSE(seen->tls);
  REQUIRE(seen->credentials);
  CHECK(seen->credentials->uid == ::geteuid());
  CHECK(seen->credentials->pid == ::getpid());
  CHECK(seen->user == sdk::user_name_of_uid(::geteuid()));
  CHECK(seen->to_string() == "unix uid " + std::to_string(::geteuid()) + " pid " + std::to_string(::getpid()));
}

TEST_CASE("http server: loopback TCP peers carry their address and their user") {
  std::mutex mutex;
  std::optional<Peer> seen;
  ServerOptions options;
  options.peer_user = true;
  options.handler = [&](const Peer& peer, sdk::HttpRequest, sdk::Responder respond) {
    {
      std::lock_guard lock(mutex);
      seen = peer;
    }
    respond({200, "text/plain", "", {}});
  };
  TestServer server(quick_settings(), options, true);
  CHECK(server.port() != 0);
  auto client = server.client();
  REQUIRE(client.request("GET", "/"));
  std::lock_guard lock(mutex);
  REQUIRE(seen);
  CHECK_FALSE(seen->local);
  CHECK(seen->address.to_string() == "127.0.0.1");
  CHECK(seen->port != 0);
  CHECK_FALSE(seen->credentials);
  CHECK(seen->user == sdk::user_name_of_uid(::geteuid()));
}

TEST_CASE("http server: [::] takes IPv4 connections too") {
  ServerSettings settings = quick_settings();
  settings.listen = parse_listen_address("[::]:0").value();
  TestServer server(settings, {}, true);
  auto client = HttpClient(server.port());  // connects to 127.0.0.1
  auto response = client.request("GET", "/");
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("http server: TLS, with the peer marked as such") {
  TempDir dir;
  const auto tls = server_tls_context(dir.path());
  if (!tls) return;
  std::atomic<bool> tls_peer{false};
  ServerOptions options;
  options.tls = tls;
  options.handler = [&](const Peer& peer, sdk::HttpRequest request, sdk::Responder respond) {
    tls_peer = peer.tls;
    respond({200, "text/plain", "secure " + request.path, {}});
  };
  TestServer server(quick_settings(), options, true);

  namespace bhttp = beast::http;
  net::io_context io;
  net::ssl::context client_context(net::ssl::context::tls_client);
  client_context.set_verify_mode(net::ssl::verify_none);
  net::ssl::stream<net::ip::tcp::socket> stream(io, client_context);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(net::ssl::stream_base::client);
  for (int i = 0; i < 2; ++i) {
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, "/x", 11};
    request.set(bhttp::field::host, "localhost");
    bhttp::write(stream, request);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream, buffer, response);
    CHECK(response.result_int() == 200);
    CHECK(response.body() == "secure /x");
  }
  CHECK(tls_peer);
  boost::system::error_code ec;
  stream.shutdown(ec);

  // A client that never finishes the handshake is closed after header_timeout.
  ServerSettings slow = quick_settings();
  slow.header_timeout = 300ms;
  TestServer strict(slow, options, true);
  HttpClient silent(strict.port());
  CHECK(silent.closed_by_server());
}

TEST_CASE("http server: a WebSocket upgrade hands over the stream and the request") {
  namespace ws = beast::websocket;
  std::mutex mutex;
  std::vector<std::shared_ptr<ws::stream<LocalStream>>> sessions;
  ServerOptions options;
  options.upgrade = [&](Upgrade upgrade) {
    REQUIRE(std::holds_alternative<LocalStream>(upgrade.stream));
    CHECK(upgrade.request.target() == "/live?x=1");
    CHECK(upgrade.peer.credentials);
    auto session = std::make_shared<ws::stream<LocalStream>>(std::move(std::get<LocalStream>(upgrade.stream)));
    {
      std::lock_guard lock(mutex);
      sessions.push_back(session);
    }
    session->async_accept(upgrade.request, [session](beast::error_code ec) {
      if (!ec) echo_messages(session);
    });
  };
  TestServer server(quick_settings(), options);

  // An ordinary request on the same server still goes to the handler.
  auto client = server.client();
  auto plain = client.request("GET", "/plain");
  REQUIRE(plain);
  CHECK(plain->body == "GET /plain");

  net::io_context io;
  net::local::stream_protocol::socket socket(io);
  socket.connect(net::local::stream_protocol::endpoint(server.server().settings().listen.unix_path.string()));
  ws::stream<net::local::stream_protocol::socket> websocket(std::move(socket));
  websocket.handshake("localhost", "/live?x=1");
  websocket.write(net::buffer(std::string("hello")));
  beast::flat_buffer buffer;
  websocket.read(buffer);
  CHECK(beast::buffers_to_string(buffer.data()) == "hello");
  websocket.close(ws::close_code::normal);
  // The upgraded connection left the server's registry.
  CHECK(eventually([&] { return server.server().connections() == 1; }));
  server.stop();
  std::lock_guard lock(mutex);
  sessions.clear();
}

TEST_CASE("http server: a WebSocket upgrade over TLS, checked first, keeps what the tracker returned") {
  namespace ws = beast::websocket;
  using TlsWebSocket = ws::stream<TlsStream>;
  TempDir dir;
  const auto tls = server_tls_context(dir.path());
  if (!tls) return;
  std::atomic<int> tracked{0};
  std::atomic<bool> handed_over_tracking{false};
  std::mutex mutex;
  std::vector<std::shared_ptr<TlsWebSocket>> sessions;
  std::vector<std::shared_ptr<void>> kept;
  ServerOptions options;
  options.tls = tls;
  options.track = [&](const Peer& peer, std::function<void()>) -> std::shared_ptr<void> {
    CHECK(peer.tls);
    ++tracked;
    return std::shared_ptr<int>(new int(0), [&tracked](int* p) {
      delete p;
      --tracked;
    });
  };
  options.check_upgrade = [](const Peer& peer, const sdk::HttpRequest& request) -> std::optional<sdk::HttpResponse> {
    CHECK(peer.tls);
    if (request.header("origin") == "https://evil.example") return sdk::HttpResponse::error(403, "origin not allowed");
    return std::nullopt;
  };
  options.upgrade = [&](Upgrade upgrade) {
    REQUIRE(std::holds_alternative<TlsStream>(upgrade.stream));
    CHECK(upgrade.peer.tls);
    handed_over_tracking = upgrade.tracking != nullptr;
    auto session = std::make_shared<TlsWebSocket>(std::move(std::get<TlsStream>(upgrade.stream)));
    {
      std::lock_guard lock(mutex);
      sessions.push_back(session);
      kept.push_back(std::move(upgrade.tracking));
    }
    session->async_accept(upgrade.request, [session](beast::error_code ec) {
      if (!ec) echo_messages(session);
    });
  };
  TestServer server(quick_settings(), options, true);

  net::io_context io;
  net::ssl::context client_context(net::ssl::context::tls_client);
  client_context.set_verify_mode(net::ssl::verify_none);
  auto connect = [&](std::optional<std::string> origin, ws::response_type& response) {
    auto websocket = std::make_unique<ws::stream<net::ssl::stream<net::ip::tcp::socket>>>(io, client_context);
    websocket->next_layer().next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
    websocket->next_layer().handshake(net::ssl::stream_base::client);
    if (origin) {
      websocket->set_option(ws::stream_base::decorator(
          [origin = *origin](ws::request_type& request) { request.set(beast::http::field::origin, origin); }));
    }
    beast::error_code ec;
    websocket->handshake(response, "localhost", "/live", ec);
    return std::make_pair(std::move(websocket), ec);
  };

  ws::response_type refused_response;
  auto refused = connect("https://evil.example", refused_response);
  CHECK(refused.second);
  CHECK(refused_response.result_int() == 403);
  refused.first.reset();

  ws::response_type accepted_response;
  auto accepted = connect(std::nullopt, accepted_response);
  REQUIRE_FALSE(accepted.second);
  CHECK(accepted_response.result_int() == 101);
  auto& websocket = *accepted.first;
  websocket.write(net::buffer(std::string("over tls")));
  beast::flat_buffer buffer;
  websocket.read(buffer);
  CHECK(beast::buffers_to_string(buffer.data()) == "over tls");
  CHECK(handed_over_tracking);
  // The refused connection ended; the upgraded one is tracked by what the upgrade handler kept.
  CHECK(eventually([&] { return tracked == 1; }));
  CHECK(server.server().connections() == 0);
  websocket.close(ws::close_code::normal);
  server.stop();
  std::lock_guard lock(mutex);
  sessions.clear();
  kept.clear();
  CHECK(tracked == 0);
}

TEST_CASE("http server: a tracker follows every connection and may close it") {
  std::mutex mutex;
  std::vector<std::function<void()>> closers;
  std::atomic<int> tracked{0};
  ServerOptions options;
  options.track = [&](const Peer& peer, std::function<void()> close) -> std::shared_ptr<void> {
    CHECK(peer.local);
    {
      std::lock_guard lock(mutex);
      closers.push_back(std::move(close));
    }
    ++tracked;
    return std::shared_ptr<int>(new int(0), [&tracked](int* p) {
      delete p;
      --tracked;
    });
  };
  TestServer server(quick_settings(), options);

  auto first = server.client();
  REQUIRE(first.request("GET", "/a"));
  auto second = server.client();
  REQUIRE(second.request("GET", "/b"));
  CHECK(eventually([&] { return tracked == 2; }));
  {
    std::lock_guard lock(mutex);
    REQUIRE(closers.size() == 2);
    closers[0]();  // closes the idle kept-alive connection at once
  }
  CHECK(first.closed_by_server());
  CHECK(eventually([&] { return tracked == 1; }));
  // The other connection is untouched, and a closer of an ended connection does nothing.
  {
    std::lock_guard lock(mutex);
    closers[0]();
  }
  auto again = second.request("GET", "/c");
  REQUIRE(again);
  CHECK(again->body == "GET /c");
  server.stop();
  CHECK(eventually([&] { return tracked == 0; }));
}

TEST_CASE("http server: stop closes idle connections, calls done, and removes the socket file") {
  TestServer server;
  auto client = server.client();
  REQUIRE(client.request("GET", "/"));
  CHECK(fs::exists(server.server().settings().listen.unix_path));
  CHECK(server.stop());
  CHECK(client.closed_by_server());
  CHECK_FALSE(fs::exists(server.server().settings().listen.unix_path));
}

TEST_CASE("http server: stop with no connection calls done at once") {
  TestServer server;
  CHECK(server.stop());
  CHECK(server.server().connections() == 0);
  CHECK_FALSE(fs::exists(fs::symlink_status(server.server().settings().listen.unix_path)));
}

TEST_CASE("http server: a stale socket file is replaced and said so; the new one has socket_mode") {
  TempDir dir;
  const fs::path path = dir / "s.sock";
  {
    net::io_context io;
    // Closed without unlinking, as after a crash: the file stays, nothing listens.
    net::local::stream_protocol::acceptor crashed(io, net::local::stream_protocol::endpoint(path.string()));
  }
  net::io_context io;
  Host host(io, sdk::PluginConfig{}, sdk::Kind::frontend, "stale");
  ServerSettings settings = quick_settings();
  settings.listen.unix_path = path;
  settings.socket_mode = 0600;
  ServerOptions options;
  options.handler = echo;
  options.metrics_prefix = "stale";
  auto server = Server::create(host, settings, options);
  const auto status = server->open();
  INFO(status.message);
  REQUIRE(status);
  CHECK(server->removed_stale_socket());
  struct stat info{};
  REQUIRE(::lstat(path.c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 0777) == 0600);
  bool done = false;
  server->stop([&] { done = true; });
  CHECK(done);
  CHECK_FALSE(fs::exists(fs::symlink_status(path)));
}

TEST_CASE("http server: stop lets the request being answered finish") {
  std::mutex mutex;
  std::optional<sdk::Responder> kept;
  ServerOptions options;
  options.handler = [&](const Peer&, sdk::HttpRequest, sdk::Responder respond) {
    std::lock_guard lock(mutex);
    kept = std::move(respond);
  };
  TestServer server(quick_settings(), options);
  auto client = server.client();
  client.send("GET / HTTP/1.1\r\n\r\n");
  REQUIRE(eventually([&] {
    std::lock_guard lock(mutex);
    return kept.has_value();
  }));
  auto stopped = server.stop_async();
  CHECK(stopped.wait_for(200ms) == std::future_status::timeout);
  {
    std::lock_guard lock(mutex);
    (*kept)({200, "text/plain", "done", {}});
  }
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->body == "done");
  CHECK(response->header("connection") == "close");
  CHECK(stopped.wait_for(5s) == std::future_status::ready);
  std::lock_guard lock(mutex);
  kept.reset();
}

TEST_CASE("http server: a second server on a live socket path refuses to open") {
  TestServer server;
  net::io_context io;
  Host host(io, sdk::PluginConfig{}, sdk::Kind::frontend, "second");
  ServerSettings settings = quick_settings();
  settings.listen.unix_path = server.server().settings().listen.unix_path;
  ServerOptions options;
  options.handler = echo;
  options.metrics_prefix = "second";
  auto second = Server::create(host, settings, options);
  const auto status = second->open();
  CHECK_FALSE(status);
  CHECK(status.message.find("another notifyd is listening") != std::string::npos);
}

TEST_CASE("http server keys: one declaration, one meaning") {
  const auto config = notifyd::testing::plugin_config(
      [](sdk::ConfigSchema& schema) { describe_server_keys(schema, ServerKeys{"127.0.0.1:8080"}); },
      {{"listen", std::string("localhost:0")}, {"answer_timeout", std::chrono::milliseconds(5000)}});
  sdk::ConfigProblems problems;
  const auto settings = read_server_settings(config, ServerKeys{"127.0.0.1:8080"}, problems);
  INFO(problems.status().message);
  CHECK(problems.empty());
  CHECK(settings.listen.to_string() == "127.0.0.1:0");
  CHECK(settings.answer_timeout == 5s);
  CHECK(settings.request_timeout == 30s);
  CHECK(settings.max_connections == 256);

  const auto wrong = notifyd::testing::plugin_config(
      [](sdk::ConfigSchema& schema) { describe_server_keys(schema, ServerKeys{"127.0.0.1:8080"}); },
      {{"listen", std::string("127.0.0.1:8080")}, {"socket_mode", std::string("0600")},
       {"tls_cert", std::string("/c.pem")}, {"max_connections", std::int64_t{0}},
       {"header_timeout", std::chrono::milliseconds(0)}});
  sdk::ConfigProblems found;
  read_server_settings(wrong, ServerKeys{"127.0.0.1:8080"}, found);
  const std::string message = found.status().message;
  CHECK(message.find("socket_mode: applies only to listen = \"unix:/path\"") != std::string::npos);
  CHECK(message.find("tls_cert: tls_cert and tls_key go together") != std::string::npos);
  CHECK(message.find("max_connections: must be greater than zero") != std::string::npos);
  CHECK(message.find("header_timeout: must be greater than zero") != std::string::npos);

  ServerKeys tcp_only{"127.0.0.1:9464"};
  tcp_only.unix_socket_keys = false;
  const auto local = notifyd::testing::plugin_config(
      [](sdk::ConfigSchema& schema) {
        ServerKeys keys{"127.0.0.1:9464"};
        keys.unix_socket_keys = false;
        describe_server_keys(schema, keys);
      },
      {{"listen", std::string("unix:/run/x.sock")}});
  sdk::ConfigProblems refused;
  read_server_settings(local, tcp_only, refused);
  CHECK(refused.status().message == "listen: this server listens on TCP only");
}
