// Sessions: random ids, CSRF tokens, expiry, logout, capacity.

#include <catch2/catch.hpp>

#include <set>

#include "login_links.hpp"
#include "random_token.hpp"
#include "session_store.hpp"

using namespace notifyd::webui;
using namespace std::chrono_literals;

namespace {

struct ManualClock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::hours(500'000));
  WallClock function() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("random tokens: 43 base64url characters, all different") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto token = random_token();
    CHECK(token.size() == 43);
    CHECK(looks_like_token(token));
    seen.insert(token);
  }
  CHECK(seen.size() == 200);
  CHECK(random_token(16).size() == 22);
  CHECK_FALSE(looks_like_token("short"));
  CHECK_FALSE(looks_like_token(std::string(40, 'a') + "/+="));
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("", ""));
  CHECK_FALSE(same_secret("abc", "abcd"));
}

TEST_CASE("sessions: created with random id and CSRF token, found until they expire") {
  ManualClock clock;
  SessionStore store(12h, 100, clock.function());
  const auto alice = store.create("alice");
  const auto bob = store.create("bob");
  CHECK(alice.id != bob.id);
  CHECK(alice.csrf_token != alice.id);
  CHECK(alice.csrf_token.size() == 43);
  CHECK(alice.expires - alice.created == 12h);

  auto found = store.find(alice.id);
  REQUIRE(found);
  CHECK(found->user == "alice");
  CHECK(found->csrf_token == alice.csrf_token);
  CHECK_FALSE(store.find("not-a-session-id-at-all-but-long-enough"));
  CHECK_FALSE(store.find(""));

  clock.now += 12h - 1s;
  CHECK(store.find(alice.id));
  clock.now += 1s;
  CHECK_FALSE(store.find(alice.id));
  CHECK_FALSE(store.find(bob.id));
  store.create("carol");  // creating drops what expired
  CHECK(store.size() == 1);
}

TEST_CASE("sessions: logout removes one session only") {
  SessionStore store(1h, 100);
  const auto first = store.create("alice");
  const auto second = store.create("alice");
  CHECK(store.remove(first.id));
  CHECK_FALSE(store.remove(first.id));
  CHECK_FALSE(store.find(first.id));
  CHECK(store.find(second.id));
}

TEST_CASE("sessions: beyond capacity the oldest is dropped") {
  ManualClock clock;
  SessionStore store(1h, 3, clock.function());
  std::vector<LoginSession> made;
  for (int i = 0; i < 5; ++i) {
    made.push_back(store.create("u" + std::to_string(i)));
    clock.now += 1s;
  }
  CHECK(store.size() == 3);
  CHECK_FALSE(store.find(made[0].id));
  CHECK_FALSE(store.find(made[1].id));
  CHECK(store.find(made[4].id));
}

TEST_CASE("login links: single use, valid for their ttl (2 minutes by default)") {
  ManualClock clock;
  LoginLinks links(2min, 1000, clock.function());
  const auto link = links.mint("alice");
  CHECK(link.expires - clock.now == 2min);
  CHECK(looks_like_token(link.token));
  CHECK(links.peek(link.token) == std::optional<std::string>("alice"));
  CHECK(links.peek(link.token) == std::optional<std::string>("alice"));  // peeking does not use it
  CHECK(links.redeem(link.token) == std::optional<std::string>("alice"));
  CHECK_FALSE(links.redeem(link.token));
  CHECK_FALSE(links.peek(link.token));

  const auto late = links.mint("bob");
  clock.now += 2min - 1ms;
  CHECK(links.peek(late.token));
  clock.now += 1ms;
  CHECK_FALSE(links.peek(late.token));
  CHECK_FALSE(links.redeem(late.token));
}

TEST_CASE("login links: unknown and malformed tokens open nothing; capacity drops the oldest") {
  LoginLinks links(2min, 2);
  CHECK_FALSE(links.redeem(""));
  CHECK_FALSE(links.redeem("../../etc/passwd"));
  CHECK_FALSE(links.redeem(random_token()));
  const auto first = links.mint("a");
  const auto second = links.mint("b");
  const auto third = links.mint("c");
  CHECK_FALSE(links.peek(first.token));
  CHECK(links.redeem(second.token) == std::optional<std::string>("b"));
  CHECK(links.redeem(third.token) == std::optional<std::string>("c"));
}

TEST_CASE("sessions: saved as digests and restored, with their CSRF tokens, until they expire") {
  ManualClock clock;
  SessionStore store(12h, 100, clock.function());
  int changes = 0;
  store.on_change([&] { ++changes; });
  const auto alice = store.create("alice");
  const auto bob = store.create("bob");
  CHECK(store.remove(bob.id));
  CHECK(changes == 3);

  const std::string saved = store.to_json();
  CHECK(saved.find(alice.id) == std::string::npos);  // the cookie value is never at rest
  CHECK(saved.find(alice.csrf_token) == std::string::npos);
  CHECK(saved.find("\"alice\"") != std::string::npos);

  clock.now += 1h;
  SessionStore restored(12h, 100, clock.function());
  CHECK(restored.restore(saved) == 1);
  const auto found = restored.find(alice.id);
  REQUIRE(found);
  CHECK(found->user == "alice");
  CHECK(found->csrf_token == alice.csrf_token);
  CHECK(found->expires == alice.expires);
  CHECK_FALSE(restored.find(bob.id));

  // The saved digest itself opens nothing.
  const auto digest_start = saved.find("\"digest\":\"") + 10;
  CHECK_FALSE(restored.find(saved.substr(digest_start, saved.find('"', digest_start) - digest_start)));

  clock.now += 11h;
  SessionStore late(12h, 100, clock.function());
  CHECK(late.restore(saved) == 0);
  CHECK(late.restore("not json") == 0);
  CHECK(late.restore(R"([{"digest":"x","user":"a b"}])") == 0);
}

TEST_CASE("sessions: a shorter ttl configured now shortens restored sessions") {
  ManualClock clock;
  SessionStore store(12h, 100, clock.function());
  const auto alice = store.create("alice");
  SessionStore shorter(1h, 100, clock.function());
  REQUIRE(shorter.restore(store.to_json()) == 1);
  REQUIRE(shorter.find(alice.id));
  CHECK(shorter.find(alice.id)->expires == alice.created + 1h);
}

TEST_CASE("login links: saved as digests and restored, still single use") {
  ManualClock clock;
  LoginLinks links(2min, 1000, clock.function());
  const auto link = links.mint("alice");
  const std::string saved = links.to_json();
  CHECK(saved.find(link.token) == std::string::npos);
  LoginLinks restored(2min, 1000, clock.function());
  CHECK(restored.restore(saved) == 1);
  CHECK(restored.redeem(link.token) == std::optional<std::string>("alice"));
  CHECK_FALSE(restored.redeem(link.token));
  clock.now += 2min;
  LoginLinks expired(2min, 1000, clock.function());
  CHECK(expired.restore(saved) == 0);
}
