// The channel served over real TCP on 127.0.0.1 with a fake host and a
// Beast client: auth, delivery, reaches, replay and its seam, the per-user
// limit, metrics, the ledger document, and stop.

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <rapidjson/document.h>

#include "jwt.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "replica_sync.hpp"
#include "test_support.hpp"
#include "websocket_channel.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

const std::string secret = "unit-test-secret";

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

std::string token_for(const std::string& user) {
  const std::int64_t now = sdk::now_epoch_ms() / 1000;
  return issue_jwt(user, now, now + 3600, secret);
}

// The channel on its own io_context threads.
class Server {
 public:
  explicit Server(std::map<std::string, sdk::ConfigValue> overrides = {}) {
    overrides.try_emplace("listen", std::string("127.0.0.1:0"));
    overrides.try_emplace("ping_interval", std::chrono::milliseconds(5000));
    overrides.try_emplace("max_connections_per_user", std::int64_t{2});
    overrides.try_emplace("jwt_secret", secret);  // as the host resolved it from jwt_secret_env/_file
    host_.emplace(io_, make_config(overrides));
    channel_.emplace(*host_);
    const auto configured = channel_->configure();
    INFO(configured.message);
    REQUIRE(configured.ok);
    const auto started = channel_->start();
    INFO(started.message);
    REQUIRE(started.ok);
    for (int i = 0; i < 2; ++i) runners_.emplace_back([this] { io_.run(); });
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
    net::post(host_->executor(), [this, done] { channel_->stop([done] { done->set_value(); }); });
    return finished.wait_for(5s) == std::future_status::ready;
  }

  sdk::DeliveryResult deliver(std::shared_ptr<const sdk::Notification> notification) {
    auto result = std::make_shared<std::promise<sdk::DeliveryResult>>();
    auto future = result->get_future();
    net::post(host_->executor(), [this, notification, result] {
      channel_->deliver({notification, 1}, [result](sdk::DeliveryResult r) { result->set_value(std::move(r)); });
    });
    REQUIRE(future.wait_for(5s) == std::future_status::ready);
    return future.get();
  }

  std::shared_ptr<const sdk::Notification> stored(std::uint64_t id) {
    return std::make_shared<const sdk::Notification>(host_->history.notification(id));
  }

  std::uint16_t port() const { return channel_->port(); }
  WebSocketChannel& channel() { return *channel_; }
  FakeHost& host() { return *host_; }

 private:
  net::io_context io_;
  std::optional<FakeHost> host_;
  std::optional<WebSocketChannel> channel_;
  net::executor_work_guard<net::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> runners_;
  bool stopped_ = false;
};

// A blocking Beast client with a 5 s receive timeout.
class Client {
 public:
  explicit Client(std::uint16_t port) : ws_(io_) {
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    ws_.next_layer().connect(endpoint);
    timeval tv{5, 0};
    ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ws_.handshake("127.0.0.1", "/");
  }

  void send(const std::string& text) { ws_.write(net::buffer(text)); }

  /// The next message other than the heartbeat, as a JSON document; a null
  /// document when the connection ends or times out.
  rapidjson::Document read() {
    rapidjson::Document document;
    for (;;) {
      beast::flat_buffer buffer;
      beast::error_code ec;
      ws_.read(buffer, ec);
      if (ec) {
        error = ec;
        return document;
      }
      const std::string text = beast::buffers_to_string(buffer.data());
      document.Parse(text.c_str());
      if (document.IsObject() && std::string(document["type"].GetString()) == "ping") continue;
      return document;
    }
  }

  rapidjson::Document auth(const std::string& user, std::optional<std::uint64_t> since = std::nullopt) {
    std::string text = R"({"type":"auth","token":")" + token_for(user) + "\"";
    if (since) text += ",\"since\":" + std::to_string(*since);
    send(text + "}");
    return read();
  }

  beast::error_code error;

 private:
  net::io_context io_;
  beast::websocket::stream<net::ip::tcp::socket> ws_;
};

std::string type_of(const rapidjson::Document& d) { return d.IsObject() ? d["type"].GetString() : "(none)"; }

// A frame's id, which the seed's gateway sent as a string; 0 when it is not one.
std::uint64_t id_of(const rapidjson::Document& d) {
  if (!d.IsObject() || !d.HasMember("id") || !d["id"].IsString()) return 0;
  return std::stoull(d["id"].GetString());
}

}  // namespace

TEST_CASE("an authenticated app receives the notifications delivered to its user", "[session]") {
  Server server;
  auto& metrics = server.host().metric_registry;
  CHECK_FALSE(server.channel().reaches("alice"));
  Client client(server.port());
  auto reply = client.auth("alice");
  REQUIRE(type_of(reply) == "auth_ok");
  CHECK(std::string(reply["username"].GetString()) == "alice");
  CHECK(server.channel().reaches("alice"));
  CHECK(eventually([&] { return metrics.level("websocket_connections") == 1; }));
  // The outbox is told at once, so what waited for the app goes out now.
  CHECK(eventually([&] { return server.host().reachable_users() == std::vector<std::string>{"alice"}; }));

  const auto id = server.host().history.add("alice", "disk full");
  CHECK(server.deliver(server.stored(id)).outcome == sdk::DeliveryResult::Outcome::delivered);
  const auto frame = client.read();
  REQUIRE(type_of(frame) == "notification");
  CHECK(id_of(frame) == id);
  CHECK(std::string(frame["message"].GetString()) == "disk full");
  CHECK(frame["image_url"].IsNull());
  CHECK(eventually([&] { return metrics.count("websocket_frames_sent_total") == 2; }));

  // The user's token is remembered, so a notification waits for the app.
  CHECK(eventually([&] {
    return server.host().documents_store.file("websocket_desk_users.json").find("\"alice\"") != std::string::npos;
  }));
}

TEST_CASE("with no app connected a delivery is retried, and a user without a token is not reached", "[session]") {
  Server server;
  const auto id = server.host().history.add("bob", "later");
  const auto result = server.deliver(server.stored(id));
  CHECK(result.outcome == sdk::DeliveryResult::Outcome::retry);
  CHECK(result.error == "no desktop app connected");
  CHECK_FALSE(server.channel().reaches("bob"));
}

TEST_CASE("auth errors are answered and the connection closed", "[session]") {
  Server server;
  Client client(server.port());
  client.send(R"({"type":"auth","token":"nope"})");
  const auto reply = client.read();
  REQUIRE(type_of(reply) == "auth_error");
  CHECK(std::string(reply["message"].GetString()) == "Invalid token");
  CHECK(std::string(reply["reason"].GetString()) == "Malformed token");
  CHECK(type_of(client.read()) == "(none)");
  CHECK(client.error == beast::websocket::error::closed);
  CHECK(server.host().metric_registry.count("websocket_auth_failures_total") == 1);
  CHECK(server.host().reachable_users().empty());
}

TEST_CASE("a user may hold max_connections_per_user connections", "[session]") {
  Server server;
  Client a(server.port()), b(server.port()), c(server.port());
  CHECK(type_of(a.auth("alice")) == "auth_ok");
  CHECK(type_of(b.auth("alice")) == "auth_ok");
  const auto refused = c.auth("alice");
  REQUIRE(type_of(refused) == "auth_error");
  CHECK(std::string(refused["message"].GetString()) == "Too many connections");
}

TEST_CASE("since replays what was missed, then live deliveries follow without duplicates", "[session]") {
  Server server;
  auto& history = server.host().history;
  const auto seen = history.add("alice", "seen");
  const auto first = history.add("alice", "missed 1");
  history.add("alice", "telegram only", {"bot"});
  const auto second = history.add("alice", "missed 2");

  Client client(server.port());
  const auto reply = client.auth("alice", seen);
  REQUIRE(type_of(reply) == "auth_ok");
  CHECK(reply["replayed"].GetUint64() == 2);
  CHECK_FALSE(reply["replay_truncated"].GetBool());
  CHECK(id_of(client.read()) == first);
  CHECK(id_of(client.read()) == second);

  // The outbox retries a replayed notification: covered, not sent again (but delivered).
  CHECK(server.deliver(server.stored(first)).outcome == sdk::DeliveryResult::Outcome::delivered);
  const auto live = history.add("alice", "live");
  CHECK(server.deliver(server.stored(live)).outcome == sdk::DeliveryResult::Outcome::delivered);
  CHECK(id_of(client.read()) == live);
}

TEST_CASE("stop closes every connection as going away and reports when done", "[session]") {
  auto server = std::make_unique<Server>();
  Client client(server->port());
  REQUIRE(type_of(client.auth("alice")) == "auth_ok");
  CHECK(server->stop());
  CHECK(type_of(client.read()) == "(none)");
  CHECK(client.error);
}

TEST_CASE("a delivery another replica pushed to its user's app is delivered here without an app", "[session]") {
  Server server;
  const auto pushed = server.host().history.add("bob", "pushed by another replica");
  const auto waiting = server.host().history.add("bob", "not pushed yet");
  server.host().coordination_service.doorbells.ring(ReplicaSync::pushed_topic("desk"),
                                                    std::to_string(pushed) + ":bob,garbage,:x,12");
  CHECK(eventually([&] { return server.host().reachable_users() == std::vector<std::string>{"bob"}; }));
  CHECK(server.deliver(server.stored(pushed)).outcome == sdk::DeliveryResult::Outcome::delivered);
  CHECK(server.deliver(server.stored(waiting)).outcome == sdk::DeliveryResult::Outcome::retry);
}

TEST_CASE("health shows the replicas serving the channel, their connections summed and each user once", "[session]") {
  Server server;
  Client client(server.port());
  REQUIRE(type_of(client.auth("alice")) == "auth_ok");
  // The other replica has apps of alice (also here), bob and carol.
  const std::vector<std::string> others{"alice", "bob", "carol"};
  REQUIRE(server.host().coordination_service.keys.put(
      "desk/replica-users/other:1", ReplicaRoster::digest(others) + "\nalice\nbob\ncarol", 60s));
  REQUIRE(server.host().coordination_service.keys.put("desk/replicas/9",
                                                      "other:1\t4\t3\t" + ReplicaRoster::digest(others), 60s));
  server.host().coordination_service.doorbells.ring(ReplicaSync::roster_topic("desk"));
  const auto figure = [&](std::string_view name) {
    for (const auto& f : server.channel().condition().figures) {
      if (f.name == name) return f.value;
    }
    return std::uint64_t{0};
  };
  CHECK(eventually([&] { return figure("replicas") == 2 && figure("cluster_connections") == 5; }));
  CHECK(figure("cluster_users") == 3);
  CHECK(figure("connections") == 1);
}
