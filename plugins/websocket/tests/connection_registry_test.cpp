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
  ConnectionRegistry registry(metrics, "desk", 3, 2);
  auto a = std::make_shared<RecordingConnection>(), b = std::make_shared<RecordingConnection>(),
       c = std::make_shared<RecordingConnection>(), d = std::make_shared<RecordingConnection>();
  CHECK(registry.open(a));
  CHECK(registry.open(b));
  CHECK(registry.open(c));
  CHECK_FALSE(registry.open(d));
  CHECK(metrics.level("websocket_connections") == 3);

  CHECK(registry.authenticate(a.get(), "alice"));
  CHECK(registry.authenticate(b.get(), "alice"));
  CHECK_FALSE(registry.authenticate(c.get(), "alice"));
  CHECK(registry.authenticate(c.get(), "bob"));
  CHECK(metrics.level("websocket_user_connections", {{"user", "alice"}}) == 2);
  CHECK(metrics.level("websocket_users") == 2);
  CHECK(registry.connected("alice"));
  CHECK_FALSE(registry.connected("carol"));

  const auto frame = std::make_shared<const std::string>("{}");
  CHECK(registry.fan_out("alice", frame, 7) == 2);
  CHECK(a->ids == std::vector<std::uint64_t>{7});
  CHECK(b->ids == std::vector<std::uint64_t>{7});
  CHECK(c->ids.empty());
  CHECK(registry.fan_out("carol", frame, 8) == 0);

  // A closing connection gets nothing more and frees its slot at once.
  registry.retire(a.get());
  CHECK(registry.fan_out("alice", frame, 9) == 1);
  CHECK(metrics.level("websocket_user_connections", {{"user", "alice"}}) == 1);
  CHECK(registry.size() == 3);
  registry.closed(a.get());
  CHECK(registry.size() == 2);
  CHECK(registry.open(d));
  CHECK(registry.authenticate(d.get(), "alice"));
}

TEST_CASE("close_all closes everything, refuses newcomers and reports when the last is gone", "[registry]") {
  FakeMetrics metrics("desk");
  ConnectionRegistry registry(metrics, "desk", 10, 10);
  auto a = std::make_shared<RecordingConnection>(), b = std::make_shared<RecordingConnection>();
  registry.open(a);
  registry.open(b);
  registry.authenticate(a.get(), "alice");
  bool done = false;
  registry.close_all([&] { done = true; });
  CHECK(a->closes == 1);
  CHECK(b->closes == 1);
  CHECK_FALSE(registry.open(std::make_shared<RecordingConnection>()));
  CHECK(registry.fan_out("alice", std::make_shared<const std::string>("{}"), 1) == 0);
  registry.closed(a.get());
  CHECK_FALSE(done);
  registry.closed(b.get());
  CHECK(done);

  ConnectionRegistry empty(metrics, "desk", 10, 10);
  bool at_once = false;
  empty.close_all([&] { at_once = true; });
  CHECK(at_once);
}
