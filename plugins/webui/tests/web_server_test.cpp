// The dashboard plugin served over real TCP on 127.0.0.1 with a fake host:
// its handler and security headers behind the SDK server, the login link
// route on the socket surface, configure's refusals, and HTTPS. How a
// connection is served (limits, deadlines, the connection cap, shutdown) is
// the SDK server's, tested in core/tests/http_server_test.cpp.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <future>
#include <regex>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "notifyd/sdk/json.hpp"
#include "test_support.hpp"
#include "webui_frontend.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace notifyd::webui::testing;
using namespace std::chrono_literals;

namespace {

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// One dashboard on its own io_context threads, on a free port.
class Server {
 public:
  explicit Server(std::map<std::string, sdk::ConfigValue> overrides = {}) {
    overrides.try_emplace("listen", std::string("127.0.0.1:0"));
    overrides.try_emplace("header_timeout", std::chrono::milliseconds(3000));
    overrides.try_emplace("idle_timeout", std::chrono::milliseconds(3000));
    overrides.try_emplace("request_timeout", std::chrono::milliseconds(3000));
    host_.emplace(io_, make_config(overrides));
    dashboard_.emplace(*host_);
    const auto configured = dashboard_->configure();
    INFO(configured.message);
    REQUIRE(configured.ok);
    const auto started = dashboard_->start();
    INFO(started.message);
    REQUIRE(started.ok);
    for (int i = 0; i < 2; ++i) runners_.emplace_back([this] { io_.run(); });
    const std::regex url(R"(dashboard at (https?)://127\.0\.0\.1:(\d+)/)");
    for (const auto& line : host_->logger.lines()) {
      std::smatch match;
      if (std::regex_search(line, match, url)) port_ = static_cast<std::uint16_t>(std::stoi(match[2]));
    }
    REQUIRE(port_ != 0);
  }

  ~Server() {
    stop();
    work_.reset();
    if (!eventually([this] { return io_.stopped(); })) io_.stop();
    for (auto& runner : runners_) runner.join();
  }

  bool stop() {
    if (stopped_) return true;
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    boost::asio::post(host_->executor(), [this, done] { dashboard_->stop([done] { done->set_value(); }); });
    return finished.wait_for(5s) == std::future_status::ready;
  }

  FakeHost& host() { return *host_; }
  std::uint16_t port() const { return port_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::optional<FakeHost> host_;
  std::optional<WebDashboard> dashboard_;
  std::vector<std::thread> runners_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

// Calls the socket-surface route `POST /api/login-link` as `user`.
sdk::HttpResponse mint_link(FakeHost& host, const std::string& user) {
  auto match = host.route_table.find(sdk::surface_socket, "POST", "/api/login-link");
  REQUIRE(match.route);
  sdk::HttpRequest request;
  request.method = "POST";
  request.path = "/api/login-link";
  request.caller.user = user;
  ResponseCatcher catcher;
  match.route->handler(request, catcher.responder());
  return catcher.get();
}

}  // namespace

TEST_CASE("server: keep-alive, 401 JSON with security headers, health") {
  Server server;
  TcpClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    auto health = client.request("GET", "/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(health->body == R"({"status":"ok"})");
  }
  auto me = client.request("GET", "/api/me");
  REQUIRE(me);
  CHECK(me->status == 401);
  CHECK(me->header("content-type") == "application/json");
  CHECK(me->header("x-content-type-options") == "nosniff");
  CHECK(me->header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  auto page = client.request("GET", "/history");
  REQUIRE(page);
  CHECK(page->status == 303);
  CHECK(page->header("location") == "/login");
}

TEST_CASE("server: notifyctl login's route mints a link to this address; the link signs in once") {
  Server server;
  const auto minted = mint_link(server.host(), "alice");
  REQUIRE(minted.status == 200);
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(minted.body, document));
  const std::string url = document["url"].GetString();
  const std::string prefix = "http://127.0.0.1:" + std::to_string(server.port()) + "/login/link?token=";
  REQUIRE(url.starts_with(prefix));
  CHECK(std::string(document["user"].GetString()) == "alice");
  const std::string token = url.substr(prefix.size());

  TcpClient client(server.port());
  auto confirm = client.request("GET", "/login/link?token=" + token);
  REQUIRE(confirm);
  CHECK(confirm->status == 200);
  auto redeem = client.request("POST", "/login/link", "token=" + token,
                               "Content-Type: application/x-www-form-urlencoded\r\n");
  REQUIRE(redeem);
  CHECK(redeem->status == 303);
  const std::string cookie = redeem->header("set-cookie");
  REQUIRE(cookie.starts_with("notifyd_session="));
  const std::string pair = cookie.substr(0, cookie.find(';'));
  auto me = client.request("GET", "/api/me", {}, "Cookie: " + pair + "\r\n");
  REQUIRE(me);
  CHECK(me->status == 200);
  CHECK(me->body.find("\"user\":\"alice\"") != std::string::npos);
  auto again = client.request("POST", "/login/link", "token=" + token,
                              "Content-Type: application/x-www-form-urlencoded\r\n");
  REQUIRE(again);
  CHECK(again->status == 400);

  CHECK(mint_link(server.host(), "").status == 403);
  CHECK(mint_link(server.host(), "uid:1234").status == 403);
}

TEST_CASE("server: auth = none is refused on a non-loopback address at configure") {
  boost::asio::io_context io;
  FakeHost host(io, make_config({{"auth", std::string("none")}, {"listen", std::string("0.0.0.0:0")}}));
  WebDashboard dashboard(host);
  const auto status = dashboard.configure();
  CHECK_FALSE(status.ok);
  CHECK(status.message.find("non-loopback") != std::string::npos);
}

TEST_CASE("server: HTTPS with the configured certificate; cookies are Secure and __Host-") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    WARN("openssl command not found; HTTPS test skipped");
    return;
  }
  TempDir dir;
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout " + key +
                              " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  Server server({{"tls_cert", cert}, {"tls_key", key}});
  const auto minted = mint_link(server.host(), "alice");
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(minted.body, document));
  const std::string url = document["url"].GetString();
  REQUIRE(url.starts_with("https://127.0.0.1:"));
  const std::string target = url.substr(url.find("/login/link"));
  const std::string token = target.substr(target.find('=') + 1);

  namespace net = boost::asio;
  namespace http = boost::beast::http;
  net::io_context io;
  net::ssl::context context(net::ssl::context::tls_client);
  context.set_verify_mode(net::ssl::verify_none);
  net::ssl::stream<net::ip::tcp::socket> stream(io, context);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(net::ssl::stream_base::client);

  http::request<http::string_body> request{http::verb::post, "/login/link", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/x-www-form-urlencoded");
  request.body() = "token=" + token;
  request.prepare_payload();
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  CHECK(response.result_int() == 303);
  const std::string cookie(response[http::field::set_cookie]);
  CHECK(cookie.starts_with("__Host-notifyd_session="));
  CHECK(cookie.find("; Secure") != std::string::npos);
  CHECK(response["Strict-Transport-Security"] == "max-age=31536000");
  boost::system::error_code ec;
  stream.shutdown(ec);
}
