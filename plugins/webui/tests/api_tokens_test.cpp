// API tokens: made random and kept as digests, expiry, revocation, one
// user's tokens invisible to another, and the lifetimes people type.

#include <catch2/catch.hpp>

#include <set>

#include "api_tokens.hpp"
#include "notifyd/sdk/epoch_time.hpp"
#include "notifyd/sdk/utc_time.hpp"
#include "notifyd/testing/memory_documents.hpp"
#include "test_support.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace std::chrono_literals;

namespace {

using notifyd::webui::testing::ManualClock;

std::int64_t ms_of(const ManualClock& clock) { return sdk::epoch_ms_of(clock.now); }

IssuedToken made(ApiTokens& tokens, const std::string& user, std::string name = {}, std::int64_t expires_ms = 0) {
  auto issued = tokens.create(user, std::move(name), expires_ms);
  REQUIRE(issued);
  REQUIRE(issued.value());
  return *issued.value();
}

}  // namespace

TEST_CASE("api tokens: a token names its owner and the document keeps only its digest") {
  notifyd::testing::MemoryDocuments documents;
  ManualClock clock;
  ApiTokens tokens(documents, clock.function());
  const auto issued = made(tokens, "alice", "ci-runner");
  CHECK(issued.token.size() == 3 + 12 + 43);
  CHECK(issued.token.starts_with("nd_" + issued.info.id));
  CHECK(issued.info.user == "alice");
  CHECK(issued.info.name == "ci-runner");
  CHECK(issued.info.created_at == ms_of(clock));
  CHECK(issued.info.expires_at == 0);

  const std::string stored = documents.read(ApiTokens::document_name).value().value();
  CHECK(stored.find(issued.info.id) != std::string::npos);
  CHECK(stored.find(issued.token.substr(15)) == std::string::npos);

  const auto check = tokens.authenticate(issued.token);
  REQUIRE(check);
  CHECK(check.value().state == TokenCheck::State::valid);
  CHECK(check.value().user == "alice");
  CHECK(check.value().id == issued.info.id);
}

TEST_CASE("api tokens: tokens are unrelated, and a changed or foreign token is unknown") {
  notifyd::testing::MemoryDocuments documents;
  ApiTokens tokens(documents);
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(made(tokens, "alice").token);
  CHECK(seen.size() == 20);

  const std::string token = *seen.begin();
  std::string changed = token;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  std::string other_id = token;
  other_id[3] = other_id[3] == '0' ? '1' : '0';
  for (const std::string& bad : {changed, other_id, std::string("nd_"), token.substr(0, 20), "Bearer " + token,
                                 std::string("nd_0123456789ab") + std::string(43, 'A'), std::string()}) {
    INFO(bad);
    const auto check = tokens.authenticate(bad);
    REQUIRE(check);
    CHECK(check.value().state == TokenCheck::State::unknown);
    CHECK(check.value().user.empty());
  }
}

TEST_CASE("api tokens: an expired token is refused as expired and listed as such") {
  notifyd::testing::MemoryDocuments documents;
  ManualClock clock;
  ApiTokens tokens(documents, clock.function());
  const auto issued = made(tokens, "alice", "short", ms_of(clock) + 60'000);
  CHECK(tokens.authenticate(issued.token).value().state == TokenCheck::State::valid);
  CHECK_FALSE(tokens.list("alice").value().front().expired);
  clock.now += 60s;
  const auto check = tokens.authenticate(issued.token).value();
  CHECK(check.state == TokenCheck::State::expired);
  CHECK(check.user.empty());
  CHECK(tokens.list("alice").value().front().expired);
}

TEST_CASE("api tokens: a user lists and revokes only their own, and a revoked token is unknown everywhere") {
  notifyd::testing::MemoryDocuments documents;
  ApiTokens tokens(documents);
  ApiTokens other_replica(documents);
  const auto alice = made(tokens, "alice", "a");
  const auto bob = made(tokens, "bob", "b");
  CHECK(other_replica.authenticate(alice.token).value().user == "alice");

  const auto listed = tokens.list("alice").value();
  REQUIRE(listed.size() == 1);
  CHECK(listed.front().id == alice.info.id);

  CHECK_FALSE(tokens.revoke("alice", bob.info.id).value());
  CHECK(tokens.authenticate(bob.token).value().state == TokenCheck::State::valid);
  CHECK(tokens.revoke("alice", alice.info.id).value());
  CHECK_FALSE(tokens.revoke("alice", alice.info.id).value());
  CHECK(other_replica.authenticate(alice.token).value().state == TokenCheck::State::unknown);
  CHECK(tokens.list("alice").value().empty());
  CHECK(tokens.list("bob").value().size() == 1);
}

TEST_CASE("api tokens: at most max_per_user per user") {
  notifyd::testing::MemoryDocuments documents;
  ApiTokens tokens(documents);
  for (std::size_t i = 0; i < ApiTokens::max_per_user; ++i) made(tokens, "alice");
  const auto refused = tokens.create("alice", {}, 0);
  REQUIRE(refused);
  CHECK_FALSE(refused.value());
  made(tokens, "bob");
}

TEST_CASE("api tokens: a damaged document is an error, never an open door") {
  notifyd::testing::MemoryDocuments documents;
  REQUIRE(documents.write(ApiTokens::document_name, "{\"tokens\": 3}"));
  ApiTokens tokens(documents);
  CHECK_FALSE(tokens.authenticate("nd_0123456789ab" + std::string(43, 'A')));
  CHECK_FALSE(tokens.create("alice", {}, 0));
  CHECK_FALSE(tokens.list("alice"));
}

TEST_CASE("api tokens: names are short text") {
  CHECK(check_token_name(""));
  CHECK(check_token_name("ci-runner on build-7 ✓"));
  CHECK_FALSE(check_token_name(std::string(ApiTokens::max_name_bytes + 1, 'x')));
  CHECK_FALSE(check_token_name("line\nbreak"));
  CHECK_FALSE(check_token_name("\xff"));
}

TEST_CASE("api tokens: lifetimes as people type them") {
  const std::int64_t now = sdk::parse_utc_timestamp("2026-12-07T20:00:00Z").value();
  CHECK(parse_token_expiry("", now).value() == 0);
  CHECK(parse_token_expiry("never", now).value() == 0);
  CHECK(parse_token_expiry("30d", now).value() == now + 30LL * 24 * 3600 * 1000);
  CHECK(parse_token_expiry("1h30m", now).value() == now + 90LL * 60 * 1000);
  CHECK(parse_token_expiry("2027-01-31", now).value() == sdk::parse_utc_timestamp("2027-02-01T00:00:00Z").value());
  CHECK(parse_token_expiry("2027-01-31T12:00:00Z", now).value() == sdk::parse_utc_timestamp("2027-01-31T12:00:00Z").value());
  for (const char* bad : {"2020-01-01", "2026-12-07T19:00:00Z", "soon", "0s", "-5d", "2027-13-01"}) {
    INFO(bad);
    CHECK_FALSE(parse_token_expiry(bad, now));
  }
}
