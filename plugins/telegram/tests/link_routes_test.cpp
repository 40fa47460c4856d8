#include <catch2/catch.hpp>

#include "link_routes.hpp"
#include "test_support.hpp"

using namespace notifyd::telegram;
using namespace notifyd::telegram::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t now_ms = 1'800'000'000'000;
const auto t0 = VerifyAttempts::Clock::time_point{} + 1h;

struct Routes {
  MemoryDocuments documents;
  LinkRegistry links{documents, "telegram_users.json"};
  VerificationCodes codes{documents, "pending_codes.json", std::chrono::seconds(600),
                          [] { return std::optional<std::string>("123456"); }};
  notifyd::testing::MemoryEphemeral keys;
  VerifyAttempts attempts{keys, "bot", 5, 10min};
  BotState state;
  std::vector<std::pair<std::int64_t, std::string>> told;
  std::vector<std::string> unmuted;
  LinkService service{links, codes, attempts, state, true,
                      {[this](std::int64_t chat, std::string text) { told.emplace_back(chat, std::move(text)); },
                       [this](const std::string& user) { unmuted.push_back(user); }}};

  static notifyd::sdk::HttpRequest request(std::string user, std::string body = {}, bool admin = false) {
    notifyd::sdk::HttpRequest r;
    r.method = "POST";
    r.body = std::move(body);
    r.caller.user = std::move(user);
    r.caller.admin = admin;
    return r;
  }
};

}  // namespace

TEST_CASE("verify links the caller to the code's chat and confirms in the chat", "[link_routes]") {
  Routes routes;
  REQUIRE(routes.codes.issue(77, now_ms / 1000).ok());
  const auto response = routes.service.verify(Routes::request("alice", R"({"code": " 123456 "})"), now_ms, t0);
  CHECK(response.status == 200);
  CHECK(response.body == R"({"linked":true,"linked_at":"2027-01-15T08:00:00Z"})");
  CHECK(routes.links.find("alice")->chat_id == 77);
  REQUIRE(routes.told.size() == 1);
  CHECK(routes.told[0].first == 77);
  CHECK(routes.told[0].second.find("linked to alice") != std::string::npos);
  // Single use.
  CHECK(routes.service.verify(Routes::request("bob", R"({"code":"123456"})"), now_ms, t0).status == 400);
}

TEST_CASE("verify errors: 401, 400, 422, 429", "[link_routes]") {
  Routes routes;
  CHECK(routes.service.verify(Routes::request("", R"({"code":"1"})"), now_ms, t0).status == 401);
  CHECK(routes.service.verify(Routes::request("alice", "{bad"), now_ms, t0).status == 400);
  CHECK(routes.service.verify(Routes::request("alice", "{}"), now_ms, t0).status == 422);
  CHECK(routes.service.verify(Routes::request("alice", R"({"code": null})"), now_ms, t0).status == 422);
  CHECK(routes.service.verify(Routes::request("alice", std::string(5000, ' ')), now_ms, t0).status == 413);
  const auto wrong = routes.service.verify(Routes::request("alice", R"({"code":"000000"})"), now_ms, t0);
  CHECK(wrong.status == 400);
  CHECK(wrong.body == R"({"error":"invalid or expired code"})");
  for (int i = 0; i < 4; ++i) routes.service.verify(Routes::request("alice", R"({"code":"abc"})"), now_ms, t0);
  REQUIRE(routes.codes.issue(77, now_ms / 1000).ok());
  const auto locked = routes.service.verify(Routes::request("alice", R"({"code":"123456"})"), now_ms, t0);
  CHECK(locked.status == 429);
  CHECK(locked.headers.at(0).first == "Retry-After");
  // Others are not locked out.
  CHECK(routes.service.verify(Routes::request("bob", R"({"code":"123456"})"), now_ms, t0).status == 200);
}

TEST_CASE("a successful verify does not count as a failure", "[link_routes]") {
  Routes routes;
  for (int i = 0; i < 4; ++i) routes.service.verify(Routes::request("alice", R"({"code":"000000"})"), now_ms, t0);
  for (std::int64_t chat = 1; chat <= 3; ++chat) {
    REQUIRE(routes.codes.issue(chat, now_ms / 1000).ok());
    CHECK(routes.service.verify(Routes::request("alice", R"({"code":"123456"})"), now_ms, t0).status == 200);
  }
  CHECK(routes.service.verify(Routes::request("alice", R"({"code":"000000"})"), now_ms, t0).status == 400);
  CHECK(routes.service.verify(Routes::request("alice", R"({"code":"000000"})"), now_ms, t0).status == 429);
}

TEST_CASE("an expired code is refused", "[link_routes]") {
  Routes routes;
  REQUIRE(routes.codes.issue(77, now_ms / 1000 - 601).ok());
  CHECK(routes.service.verify(Routes::request("alice", R"({"code":"123456"})"), now_ms, t0).status == 400);
}

TEST_CASE("only admins may link, unlink or look at someone else", "[link_routes]") {
  Routes routes;
  REQUIRE(routes.codes.issue(5, now_ms / 1000).ok());
  CHECK(routes.service.verify(Routes::request("bob", R"({"code":"123456","user":"alice"})"), now_ms, t0).status == 403);
  CHECK(routes.service.verify(Routes::request("root", R"({"code":"123456","user":"alice"})", true), now_ms, t0).status ==
        200);
  CHECK(routes.links.find("alice"));
  auto status = Routes::request("bob");
  status.query["user"] = "alice";
  CHECK(routes.service.status(status, now_ms).status == 403);
  status.caller.admin = true;
  CHECK(routes.service.status(status, now_ms).body.find("\"linked\":true") != std::string::npos);
}

TEST_CASE("unlink answers unlinked whether or not there was a link", "[link_routes]") {
  Routes routes;
  routes.links.link("alice", 9, "t");
  routes.state.muted_until["alice"] = now_ms + 1000;
  CHECK(routes.service.unlink(Routes::request("alice")).body == R"({"status":"unlinked"})");
  CHECK_FALSE(routes.links.find("alice"));
  CHECK(routes.unmuted == std::vector<std::string>{"alice"});
  REQUIRE(routes.told.size() == 1);
  CHECK(routes.told[0].first == 9);
  CHECK(routes.service.unlink(Routes::request("alice")).status == 200);
  CHECK(routes.service.unlink(Routes::request("")).status == 401);
}

TEST_CASE("status reports linked, linked_at and active", "[link_routes]") {
  Routes routes;
  CHECK(routes.service.status(Routes::request("alice"), now_ms).body ==
        R"({"linked":false,"linked_at":null,"active":false})");
  routes.links.link("alice", 9, "2026-01-01T00:00:00Z");
  CHECK(routes.service.status(Routes::request("alice"), now_ms).body ==
        R"({"linked":true,"linked_at":"2026-01-01T00:00:00Z","active":true})");
  routes.links.set_active(9, false);
  routes.state.muted_until["alice"] = now_ms + 60000;
  CHECK(routes.service.status(Routes::request("alice"), now_ms).body ==
        R"({"linked":true,"linked_at":"2026-01-01T00:00:00Z","active":false,"muted_until":"2027-01-15T08:01:00Z"})");
  CHECK(routes.service.status(Routes::request(""), now_ms).status == 401);
}

TEST_CASE("without a token verify and bot say Telegram is off", "[link_routes]") {
  MemoryDocuments documents;
  LinkRegistry links{documents, "u.json"};
  VerificationCodes codes{documents, "c.json", std::chrono::seconds(600), [] { return std::optional<std::string>(); }};
  notifyd::testing::MemoryEphemeral keys;
  VerifyAttempts attempts{keys, "bot", 5, 10min};
  BotState state;
  LinkService off(links, codes, attempts, state, false, {});
  CHECK(off.verify(Routes::request("alice", R"({"code":"123456"})"), now_ms, t0).status == 503);
  CHECK(off.status(Routes::request("alice"), now_ms).status == 200);
  CHECK(off.bot(Routes::request("alice")).body == R"({"configured":false,"username":null,"url":null})");
}

TEST_CASE("admins list the linked users", "[link_routes]") {
  Routes routes;
  routes.links.link("alice", 9, "2026-01-01T00:00:00Z");
  routes.links.link("ops", -100, "2026-01-02T00:00:00Z");
  routes.links.set_active(9, false);
  CHECK(routes.service.users(Routes::request("alice")).status == 403);
  CHECK(routes.service.users(Routes::request("")).status == 401);
  const auto listed = routes.service.users(Routes::request("root", "", true));
  CHECK(listed.status == 200);
  CHECK(listed.body == R"({"users":[{"user":"alice","chat_id":9,"linked_at":"2026-01-01T00:00:00Z","active":false},)"
                       R"({"user":"ops","chat_id":-100,"linked_at":"2026-01-02T00:00:00Z","active":true}]})");
}

TEST_CASE("bot says whether Telegram is on and names the bot once getMe told it", "[link_routes]") {
  Routes routes;
  CHECK(routes.service.bot(Routes::request("")).status == 401);
  CHECK(routes.service.bot(Routes::request("alice")).body == R"({"configured":true,"username":null,"url":null})");
  routes.service.set_bot_username("notifyd_bot");
  CHECK(routes.service.bot(Routes::request("alice")).body ==
        R"({"configured":true,"username":"notifyd_bot","url":"https://t.me/notifyd_bot"})");

}
