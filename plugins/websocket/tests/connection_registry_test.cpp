#include <catch2/catch.hpp>

#include "connection_registry.hpp"
#include "test_support.hpp"

using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;

namespace {

class RecordingConnection : public DesktopConnection {
 public:
  void send_notification(std::shared_ptr<const std::string> frame, std::uint64_t id) override {
    ids.push_back(id);
    last = std::move(frame);
  }
  void close() override { ++closes; }
  std::vector<std::uint64_t> ids;
  std::shared_ptr<const std::string> last;
  int closes = 0;
};

}  // namespace

TEST_CASE("the registry enforces the total and the per-user limits and keeps the gauges", "[registry]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", {3, 10, 2});
  auto a = std::make_shared<RecordingConnection>(), b = std::make_shared<RecordingConnection>(),
       c = std::make_shared<RecordingConnection>(), d = std::make_shared<RecordingConnection>();
  CHECK(registry.open(a, "192.0.2.1"));
  CHECK(registry.open(b, "192.0.2.1"));
  CHECK(registry.open(c, "192.0.2.1"));
  CHECK_FALSE(registry.open(d, "192.0.2.1"));
  CHECK(metrics.level("websocket_connections") == 3);

  CHECK(registry.authenticate(a.get(), "alice"));
  CHECK(registry.authenticate(b.get(), "alice"));
  CHECK_FALSE(registry.authenticate(c.get(), "alice"));
  CHECK(registry.authenticate(c.get(), "bob"));
  CHECK(metrics.level("websocket_users") == 2);
  CHECK(registry.connected("alice"));
  CHECK_FALSE(registry.connected("carol"));

  const auto frame = std::make_shared<const std::string>("{}");
  CHECK(registry.fan_out("alice", frame, 7).reached == 2);
  CHECK(a->ids == std::vector<std::uint64_t>{7});
  CHECK(b->ids == std::vector<std::uint64_t>{7});
  CHECK(c->ids.empty());
  CHECK(registry.fan_out("carol", frame, 8).reached == 0);

  // A closing connection gets nothing more and frees its slot at once.
  registry.retire(a.get());
  CHECK(registry.fan_out("alice", frame, 9).reached == 1);
  CHECK(registry.size() == 3);
  registry.closed(a.get());
  CHECK(registry.size() == 2);
  CHECK(registry.open(d, "192.0.2.1"));
  CHECK(registry.authenticate(d.get(), "alice"));
}

TEST_CASE("close_all closes everything, refuses newcomers and reports when the last is gone", "[registry]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", {10, 10, 10});
  auto a = std::make_shared<RecordingConnection>(), b = std::make_shared<RecordingConnection>();
  registry.open(a, "192.0.2.1");
  registry.open(b, "192.0.2.1");
  registry.authenticate(a.get(), "alice");
  bool done = false;
  registry.close_all([&] { done = true; });
  CHECK(a->closes == 1);
  CHECK(b->closes == 1);
  CHECK_FALSE(registry.open(std::make_shared<RecordingConnection>(), "192.0.2.1"));
  CHECK(registry.fan_out("alice", std::make_shared<const std::string>("{}"), 1).reached == 0);
  registry.closed(a.get());
  CHECK_FALSE(done);
  registry.closed(b.get());
  CHECK(done);

  ConnectionRegistry empty(metrics, "desk", {10, 10, 10});
  bool at_once = false;
  empty.close_all([&] { at_once = true; });
  CHECK(at_once);
}

TEST_CASE("metrics count connections and users without naming anyone", "[registry]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", {10, 10, 10});
  auto a = std::make_shared<RecordingConnection>();
  registry.open(a, "192.0.2.1");
  registry.authenticate(a.get(), "alice");
  CHECK(registry.connections_of("alice") == 1);
  CHECK(registry.connections_of("bob") == 0);
  for (const auto& series : metrics.series()) {
    INFO(series);
    CHECK(series.find("alice") == std::string::npos);
  }
}

TEST_CASE("an address beyond its share of unauthenticated connections loses its oldest", "[registry]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", {100, 2, 10});
  auto first = std::make_shared<RecordingConnection>(), second = std::make_shared<RecordingConnection>(),
       third = std::make_shared<RecordingConnection>(), elsewhere = std::make_shared<RecordingConnection>();
  CHECK(registry.open(first, "loopback"));
  CHECK(registry.open(second, "loopback"));
  CHECK(registry.open(elsewhere, "192.0.2.1"));
  CHECK(registry.open(third, "loopback"));  // the newcomer gets in; the oldest idle one goes
  CHECK(first->closes == 1);
  CHECK(second->closes == 0);
  CHECK(elsewhere->closes == 0);
  CHECK(metrics.count("websocket_disconnects_total", {{"reason", "unauthenticated_per_address"}}) == 1);

  // An authenticated connection no longer counts against its address.
  CHECK(registry.authenticate(second.get(), "alice"));
  auto fourth = std::make_shared<RecordingConnection>();
  CHECK(registry.open(fourth, "loopback"));
  CHECK(second->closes == 0);
  CHECK(third->closes == 0);
  // Nor does one that is gone.
  registry.closed(first.get());
  registry.closed(third.get());
  auto fifth = std::make_shared<RecordingConnection>();
  CHECK(registry.open(fifth, "loopback"));
  CHECK(fourth->closes == 0);
}
