// Sessions and login links: random ids, CSRF tokens, expiry, logout,
// capacity, single use, and all of it shared by replicas over one set of
// ephemeral keys.

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "earlier_sign_ins.hpp"
#include "login_links.hpp"
#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "random_token.hpp"
#include "session_store.hpp"
#include "test_support.hpp"

using namespace notifyd::webui;
using namespace std::chrono_literals;

namespace {

using notifyd::webui::testing::ManualClock;


// Keys shared by "replicas", remembering every key and value written.
class RecordingEphemeral : public notifyd::testing::MemoryEphemeral {
 public:
  notifyd::sdk::Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) noexcept override {
    std::lock_guard lock(mutex);
    written += std::string(key) + "=" + std::string(value) + "\n";
    return MemoryEphemeral::put(key, value, ttl);
  }
  std::mutex mutex;
  std::string written;
};

// Keys whose database is down.
class BrokenEphemeral : public notifyd::testing::MemoryEphemeral {
 public:
  notifyd::sdk::Status put(std::string_view, std::string_view, std::chrono::milliseconds) noexcept override {
    return notifyd::sdk::Status::failure("connection refused");
  }
  notifyd::sdk::Result<bool> put_if_absent(std::string_view, std::string_view,
                                           std::chrono::milliseconds) noexcept override {
    return notifyd::sdk::Result<bool>::failure("connection refused");
  }
  notifyd::sdk::Result<std::optional<std::string>> get(std::string_view) const noexcept override {
    return notifyd::sdk::Result<std::optional<std::string>>::failure("connection refused");
  }
  notifyd::sdk::Result<std::optional<std::string>> take(std::string_view) noexcept override {
    return notifyd::sdk::Result<std::optional<std::string>>::failure("connection refused");
  }
  notifyd::sdk::Result<std::uint64_t> count(std::string_view, std::chrono::milliseconds,
                                            std::uint64_t) noexcept override {
    return notifyd::sdk::Result<std::uint64_t>::failure("connection refused");
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
  RecordingEphemeral keys;
  SessionStore store(keys, "web", 12h, 100, clock.function());
  const auto alice = store.create("alice").value();
  const auto bob = store.create("bob").value();
  CHECK(alice.id != bob.id);
  CHECK(alice.csrf_token != alice.id);
  CHECK(alice.csrf_token.size() == 43);
  CHECK(alice.expires - alice.created == 12h);

  auto found = store.find(alice.id).value();
  REQUIRE(found);
  CHECK(found->user == "alice");
  CHECK(found->csrf_token == alice.csrf_token);
  CHECK(found->expires == alice.expires);
  CHECK_FALSE(store.find("not-a-session-id-at-all-but-long-enough").value());
  CHECK_FALSE(store.find("").value());

  // The shared keys hold digests: neither the cookie value nor the CSRF token.
  CHECK(keys.written.find(alice.id) == std::string::npos);
  CHECK(keys.written.find(alice.csrf_token) == std::string::npos);
  CHECK(keys.written.find("webui/web/session/") != std::string::npos);

  clock.now += 12h - 1s;
  CHECK(store.find(alice.id).value());
  clock.now += 1s;
  CHECK_FALSE(store.find(alice.id).value());
  CHECK_FALSE(store.find(bob.id).value());
}

TEST_CASE("sessions: logout removes one session only") {
  notifyd::testing::MemoryEphemeral keys;
  SessionStore store(keys, "web", 1h, 100);
  const auto first = store.create("alice").value();
  const auto second = store.create("alice").value();
  CHECK(store.remove(first.id).value());
  CHECK_FALSE(store.remove(first.id).value());
  CHECK_FALSE(store.find(first.id).value());
  CHECK(store.find(second.id).value());
}

TEST_CASE("sessions: beyond capacity the oldest is dropped, counted over every replica") {
  notifyd::testing::MemoryEphemeral keys;
  SessionStore one(keys, "web", 1h, 3);
  SessionStore two(keys, "web", 1h, 3);
  std::vector<LoginSession> made;
  for (int i = 0; i < 5; ++i) made.push_back((i % 2 == 0 ? one : two).create("u" + std::to_string(i)).value());
  CHECK_FALSE(one.find(made[0].id).value());
  CHECK_FALSE(two.find(made[1].id).value());
  CHECK(one.find(made[2].id).value());
  CHECK(two.find(made[4].id).value());
}

TEST_CASE("sessions: one replica's session is valid on another; a logout on one ends it on both") {
  notifyd::testing::MemoryEphemeral keys;
  SessionStore first(keys, "web", 12h, 100);
  SessionStore second(keys, "web", 12h, 100);
  SessionStore other_dashboard(keys, "admin", 12h, 100);
  const auto alice = first.create("alice").value();

  const auto there = second.find(alice.id).value();
  REQUIRE(there);
  CHECK(there->user == "alice");
  CHECK(there->csrf_token == alice.csrf_token);
  CHECK(there->expires == alice.expires);
  CHECK_FALSE(other_dashboard.find(alice.id).value());  // dashboards keep their own sessions

  CHECK(second.remove(alice.id).value());
  CHECK_FALSE(first.find(alice.id).value());
  CHECK_FALSE(second.find(alice.id).value());
  CHECK_FALSE(first.remove(alice.id).value());
}

TEST_CASE("sessions and login links: when the shared keys fail, a clear error, never a sign-in") {
  BrokenEphemeral keys;
  SessionStore sessions(keys, "web", 1h, 100);
  LoginLinks links(keys, "web", 2min);
  const std::string token = random_token();
  CHECK(sessions.create("alice").error() == "cannot open a session: connection refused");
  CHECK(sessions.find(token).error() == "cannot read the sessions: connection refused");
  CHECK(sessions.remove(token).error() == "cannot end the session: connection refused");
  CHECK(links.mint("alice").error() == "cannot mint a login link: connection refused");
  CHECK(links.peek(token).error() == "cannot read the login links: connection refused");
  CHECK(links.redeem(token).error() == "cannot redeem the login link: connection refused");
}

TEST_CASE("login links: single use, valid for their ttl (2 minutes by default)") {
  ManualClock clock;
  RecordingEphemeral keys;
  LoginLinks links(keys, "web", 2min, clock.function());
  const auto link = *links.mint("alice").value();
  CHECK(link.expires - clock.now == 2min);
  CHECK(looks_like_token(link.token));
  CHECK(keys.written.find(link.token) == std::string::npos);
  CHECK(links.peek(link.token).value() == std::optional<std::string>("alice"));
  CHECK(links.peek(link.token).value() == std::optional<std::string>("alice"));  // peeking does not use it
  CHECK(links.redeem(link.token).value() == std::optional<std::string>("alice"));
  CHECK_FALSE(links.redeem(link.token).value());
  CHECK_FALSE(links.peek(link.token).value());

  const auto late = *links.mint("bob").value();
  clock.now += 2min - 1ms;
  CHECK(links.peek(late.token).value());
  clock.now += 1ms;
  CHECK_FALSE(links.peek(late.token).value());
  CHECK_FALSE(links.redeem(late.token).value());
}

TEST_CASE("login links: unknown and malformed tokens open nothing") {
  notifyd::testing::MemoryEphemeral keys;
  LoginLinks links(keys, "web", 2min);
  CHECK_FALSE(links.redeem("").value());
  CHECK_FALSE(links.redeem("../../etc/passwd").value());
  CHECK_FALSE(links.redeem(random_token()).value());
  CHECK_FALSE(links.peek(random_token()).value());
}

TEST_CASE("login links: minted on one replica, redeemed on another; of concurrent redeems exactly one wins") {
  notifyd::testing::MemoryEphemeral keys;
  LoginLinks minting(keys, "web", 2min);
  const auto link = *minting.mint("alice").value();

  constexpr int replicas = 8;
  std::vector<std::unique_ptr<LoginLinks>> redeeming;
  for (int i = 0; i < replicas; ++i) redeeming.push_back(std::make_unique<LoginLinks>(keys, "web", 2min));
  CHECK(redeeming[3]->peek(link.token).value() == std::optional<std::string>("alice"));
  std::atomic<int> ready{0};
  std::atomic<int> winners{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < replicas; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < replicas) std::this_thread::yield();
      const auto user = redeeming[static_cast<std::size_t>(i)]->redeem(link.token);
      if (!user) ++failures;
      if (user && user.value() == std::optional<std::string>("alice")) ++winners;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(winners == 1);
  CHECK_FALSE(minting.redeem(link.token).value());
}

TEST_CASE("login links: at most 20 a minute per user, counted over every replica") {
  notifyd::testing::MemoryEphemeral keys;
  LoginLinks one(keys, "web", 2min);
  LoginLinks two(keys, "web", 2min);
  // The count's window is the minute on the wall clock; one that turns
  // during the test starts the count again, so the test retries then (with
  // other users, whose counts are untouched).
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string user = "alice" + std::to_string(attempt);
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch());
    std::uint64_t minted = 0;
    for (int i = 0; i < 30; ++i) {
      if ((i % 2 == 0 ? one : two).mint(user).value()) ++minted;
    }
    const bool other_user = one.mint("bob" + std::to_string(attempt)).value().has_value();
    if (minute != std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch())) {
      continue;
    }
    CHECK(minted == LoginLinks::mints_per_minute);
    CHECK(other_user);
    return;
  }
  FAIL("the minute turned during every attempt");
}

TEST_CASE("sign-ins an earlier notifyd saved in webui/<instance>.json are kept, once, and the file goes") {
  notifyd::testing::MemoryDocuments documents;
  notifyd::testing::MemoryEphemeral keys;
  notifyd::testing::FakeLogger log;
  SessionStore sessions(keys, "web", 12h, 100);
  LoginLinks links(keys, "web", 2min);
  const auto now_ms = notifyd::sdk::now_epoch_ms();
  const std::string alive = random_token();
  const std::string expired = random_token();
  const std::string token = random_token();
  const std::string file =
      R"({"version":1,"sessions":[)"
      R"({"digest":")" + token_digest(alive, "session") + R"(","user":"alice","created_ms":)" +
      std::to_string(now_ms - 3'600'000) + R"(,"expires_ms":)" + std::to_string(now_ms + 3'600'000) + "},"
      R"({"digest":")" + token_digest(expired, "session") + R"(","user":"bob","created_ms":)" +
      std::to_string(now_ms - 7'200'000) + R"(,"expires_ms":)" + std::to_string(now_ms - 1) + "},"
      R"({"digest":"x","user":"a b","created_ms":1,"expires_ms":99999999999999}],)"
      R"("login_links":[{"digest":")" + token_digest(token, "login-link") + R"(","user":"carol","expires_ms":)" +
      std::to_string(now_ms + 60'000) + "}]}\n";
  REQUIRE(documents.write("webui/web.json", file).ok);

  adopt_earlier_sign_ins(documents, "web", sessions, links, log);
  const auto found = sessions.find(alive).value();
  REQUIRE(found);
  CHECK(found->user == "alice");
  CHECK(found->csrf_token == token_digest(alive, "csrf"));
  CHECK(notifyd::sdk::epoch_ms_of(found->expires) == now_ms + 3'600'000);
  CHECK_FALSE(sessions.find(expired).value());
  CHECK(links.redeem(token).value() == std::optional<std::string>("carol"));
  CHECK_FALSE(links.redeem(token).value());
  CHECK_FALSE(documents.read("webui/web.json").value());
  CHECK(log.count("kept 1 session(s) and 1 login link(s) saved by an earlier notifyd") == 1);

  REQUIRE(documents.write("webui/web.json", "not json").ok);
  adopt_earlier_sign_ins(documents, "web", sessions, links, log);
  CHECK_FALSE(documents.read("webui/web.json").value());
  CHECK(log.count("is not a sign-in file") == 1);
}

TEST_CASE("sign-ins an earlier notifyd saved stay in their file while the keys cannot be written") {
  notifyd::testing::MemoryDocuments documents;
  BrokenEphemeral keys;
  notifyd::testing::FakeLogger log;
  SessionStore sessions(keys, "web", 12h, 100);
  LoginLinks links(keys, "web", 2min);
  const auto now_ms = notifyd::sdk::now_epoch_ms();
  const std::string file = R"({"version":1,"sessions":[],"login_links":[{"digest":")" +
                           token_digest(random_token(), "login-link") + R"(","user":"carol","expires_ms":)" +
                           std::to_string(now_ms + 60'000) + "}]}\n";
  REQUIRE(documents.write("webui/web.json", file).ok);
  adopt_earlier_sign_ins(documents, "web", sessions, links, log);
  CHECK(documents.read("webui/web.json").value() == std::optional<std::string>(file));
  CHECK(log.count("cannot keep a login link: connection refused; webui/web.json stays for the next start") == 1);
}
