// The access rules: 401 or a redirect without a user, CSRF on every state
// change, cross-site changes refused, the demo's Host rule, and the caller's
// identity per sign-in mode (proxy trust).

#include <catch2/catch.hpp>

#include "access_policy.hpp"
#include "caller_identity.hpp"
#include "notifyd/testing/fake_coordination.hpp"
#include "test_support.hpp"
#include "web_app.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace notifyd::webui::testing;
namespace ip = boost::asio::ip;

TEST_CASE("access: without a user, the API answers 401 and pages redirect") {
  CHECK(decide_access({"GET", Area::api, false, false, false, true}) == Verdict::unauthorized);
  CHECK(decide_access({"POST", Area::api, false, false, false, true}) == Verdict::unauthorized);
  CHECK(decide_access({"GET", Area::page, false, false, false, true}) == Verdict::redirect_to_login);
  CHECK(decide_access({"GET", Area::open, false, false, false, true}) == Verdict::serve);
}

TEST_CASE("access: every state-changing method needs the session's CSRF token") {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    INFO(method);
    CHECK(decide_access({method, Area::api, true, true, false, true}) == Verdict::csrf_refused);
    CHECK(decide_access({method, Area::api, true, false, false, true}) == Verdict::csrf_refused);
    CHECK(decide_access({method, Area::page, true, true, false, true}) == Verdict::csrf_refused);
    CHECK(decide_access({method, Area::api, true, true, true, true}) == Verdict::serve);
  }
  CHECK(decide_access({"GET", Area::api, true, false, false, true}) == Verdict::serve);
  CHECK(decide_access({"HEAD", Area::page, true, false, false, true}) == Verdict::serve);
}

TEST_CASE("access: a state change from another site is refused, even on open routes") {
  CHECK(decide_access({"POST", Area::open, false, false, false, false}) == Verdict::cross_origin);
  CHECK(decide_access({"POST", Area::api, true, true, true, false}) == Verdict::cross_origin);
  CHECK(decide_access({"GET", Area::api, true, false, false, false}) == Verdict::serve);
}

TEST_CASE("access: api paths") {
  CHECK(is_api_path("/api"));
  CHECK(is_api_path("/api/me"));
  CHECK(is_api_path("/v1/checks/x/run"));
  CHECK_FALSE(is_api_path("/apis"));
  CHECK_FALSE(is_api_path("/history"));
  CHECK_FALSE(is_api_path("/"));
}

TEST_CASE("same origin: Origin must name the Host; Sec-Fetch-Site must not say cross-site") {
  CHECK(is_same_origin("", "localhost:8080", ""));
  CHECK(is_same_origin("http://localhost:8080", "localhost:8080", "same-origin"));
  CHECK(is_same_origin("https://Notify.Example.com", "notify.example.com", ""));
  CHECK_FALSE(is_same_origin("http://evil.example", "localhost:8080", ""));
  CHECK_FALSE(is_same_origin("http://localhost:8081", "localhost:8080", ""));
  CHECK_FALSE(is_same_origin("null", "localhost:8080", ""));
  CHECK_FALSE(is_same_origin("", "localhost:8080", "cross-site"));
  CHECK_FALSE(is_same_origin("", "localhost:8080", "same-site"));
  CHECK(is_same_origin("", "localhost:8080", "none"));
}

TEST_CASE("demo host rule: only loopback names") {
  CHECK(is_loopback_host("localhost:8080"));
  CHECK(is_loopback_host("LOCALHOST"));
  CHECK(is_loopback_host("127.0.0.1:8080"));
  CHECK(is_loopback_host("[::1]:8080"));
  CHECK_FALSE(is_loopback_host("evil.example:8080"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
  CHECK_FALSE(is_loopback_host(""));
  CHECK_FALSE(is_loopback_host("[::1"));
}

TEST_CASE("csrf token: from the header, or from a form's csrf_token field") {
  sdk::HttpRequest request;
  request.headers["x-csrf-token"] = "from-header";
  CHECK(csrf_token_of(request) == "from-header");
  request.headers.clear();
  request.headers["content-type"] = "application/x-www-form-urlencoded";
  request.body = "a=1&csrf_token=from%2Dform";
  CHECK(csrf_token_of(request) == "from-form");
  request.headers["content-type"] = "application/json";
  request.body = R"({"csrf_token":"x"})";
  CHECK(csrf_token_of(request).empty());
  request.headers["content-type"] = "application/x-www-form-urlencoded";
  request.body = "csrf_token=%zz";
  CHECK(csrf_token_of(request).empty());
}

namespace {

sdk::HttpRequest request_with(std::map<std::string, std::string, std::less<>> headers) {
  sdk::HttpRequest request;
  request.method = "GET";
  request.path = "/";
  request.headers = std::move(headers);
  return request;
}

}  // namespace

TEST_CASE("identity, proxy mode: the user header counts only from a trusted proxy") {
  const auto settings = make_settings({{"auth", std::string("proxy")},
                                       {"trusted_proxies", std::vector<std::string>{"10.0.0.5"}},
                                       {"email_domain", std::string("example.com")}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const PeerInfo proxy{.address = ip::make_address("10.0.0.5"), .tls = false};
  const PeerInfo stranger{.address = ip::make_address("10.0.0.6"), .tls = false};

  auto trusted = identify_caller(settings, sessions, proxy, request_with({{"x-forwarded-user", "alice"}}));
  CHECK(trusted.user == "alice");
  CHECK(trusted.ignored.empty());

  auto spoofed = identify_caller(settings, sessions, stranger, request_with({{"x-forwarded-user", "alice"}}));
  CHECK(spoofed.user.empty());
  CHECK(spoofed.ignored.find("not the proxy") != std::string::npos);

  auto email = identify_caller(settings, sessions, proxy, request_with({{"x-forwarded-user", "bob@Example.com"}}));
  CHECK(email.user == "bob");
  auto other_domain = identify_caller(settings, sessions, proxy, request_with({{"x-forwarded-user", "bob@evil.com"}}));
  CHECK(other_domain.user.empty());
  auto junk = identify_caller(settings, sessions, proxy, request_with({{"x-forwarded-user", "../root"}}));
  CHECK(junk.user.empty());
  auto none = identify_caller(settings, sessions, proxy, request_with({}));
  CHECK(none.user.empty());
}

TEST_CASE("identity, proxy mode: a session cookie of another user is not used; https per the proxy") {
  const auto settings = make_settings(
      {{"auth", std::string("proxy")}, {"trusted_proxy_users", std::vector<std::string>{"www-data"}}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const auto bobs = sessions.create("bob").value();
  const PeerInfo proxy{ip::make_address("127.0.0.1"), false, false, "www-data"};
  auto identity = identify_caller(
      settings, sessions, proxy,
      request_with({{"x-forwarded-user", "alice"}, {"cookie", "notifyd_session=" + bobs.id}}));
  CHECK(identity.user == "alice");
  CHECK_FALSE(identity.session);

  const auto alices = sessions.create("alice").value();
  auto secure = identify_caller(settings, sessions, proxy,
                                request_with({{"x-forwarded-user", "alice"},
                                              {"x-forwarded-proto", "https"},
                                              {"cookie", "__Host-notifyd_session=" + alices.id}}));
  CHECK(secure.secure);
  REQUIRE(secure.session);
  CHECK(secure.session->id == alices.id);
}

TEST_CASE("identity, proxy mode on loopback: only the proxy's Unix user may name the user") {
  const auto settings = make_settings(
      {{"auth", std::string("proxy")}, {"trusted_proxy_users", std::vector<std::string>{"www-data"}}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const auto header = request_with({{"x-forwarded-user", "root"}, {"x-forwarded-proto", "https"}});
  const PeerInfo proxy{ip::make_address("127.0.0.1"), false, false, "www-data"};
  CHECK(identify_caller(settings, sessions, proxy, header).user == "root");
  for (const std::optional<std::string>& local_user : {std::optional<std::string>("mallory"),
                                                       std::optional<std::string>()}) {
    const PeerInfo local{ip::make_address("127.0.0.1"), false, false, local_user};
    const auto identity = identify_caller(settings, sessions, local, header);
    CHECK(identity.user.empty());
    CHECK_FALSE(identity.secure);
    CHECK(identity.ignored.find("not the proxy") != std::string::npos);
  }
}

TEST_CASE("identity, proxy mode on a unix socket: whoever may open it, or only trusted_proxy_users") {
  const auto open = make_settings({{"auth", std::string("proxy")}, {"listen", std::string("unix:/run/n/web.sock")}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const auto header = request_with({{"x-forwarded-user", "alice"}});
  const PeerInfo nginx{{}, false, true, "www-data"};
  const PeerInfo mallory{{}, false, true, "mallory"};
  CHECK(identify_caller(open, sessions, nginx, header).user == "alice");
  CHECK(identify_caller(open, sessions, mallory, header).user == "alice");  // the socket's mode decides who gets in
  const auto named = make_settings({{"auth", std::string("proxy")},
                                    {"listen", std::string("unix:/run/n/web.sock")},
                                    {"trusted_proxy_users", std::vector<std::string>{"www-data"}}});
  CHECK(identify_caller(named, sessions, nginx, header).user == "alice");
  CHECK(identify_caller(named, sessions, mallory, header).user.empty());
}

TEST_CASE("identity, peer mode: the Unix user who opened the connection; headers and cookies of others are ignored") {
  const auto settings = make_settings({{"auth", std::string("peer")}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const auto bobs = sessions.create("bob").value();
  const PeerInfo alice{ip::make_address("127.0.0.1"), false, false, "alice"};
  const auto identity = identify_caller(
      settings, sessions, alice, request_with({{"x-forwarded-user", "root"}, {"cookie", "notifyd_session=" + bobs.id}}));
  CHECK(identity.user == "alice");
  CHECK_FALSE(identity.session);
  const PeerInfo unknown{ip::make_address("127.0.0.1"), false, false, std::nullopt};
  CHECK(identify_caller(settings, sessions, unknown, request_with({{"cookie", "notifyd_session=" + bobs.id}}))
            .user.empty());
}

TEST_CASE("identity, link mode: only a live session signs in; headers are ignored") {
  const auto settings = make_settings();
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  const PeerInfo peer{.address = ip::make_address("127.0.0.1"), .tls = false};
  CHECK(identify_caller(settings, sessions, peer, request_with({{"x-forwarded-user", "alice"}})).user.empty());
  const auto session = sessions.create("carol").value();
  auto identity = identify_caller(settings, sessions, peer, request_with({{"cookie", "notifyd_session=" + session.id}}));
  CHECK(identity.user == "carol");
  CHECK(identity.session);
  // The plain cookie name is not read over TLS (there the cookie is __Host-).
  const PeerInfo tls_peer{.address = ip::make_address("127.0.0.1"), .tls = true};
  CHECK(identify_caller(settings, sessions, tls_peer, request_with({{"cookie", "notifyd_session=" + session.id}}))
            .user.empty());
}

TEST_CASE("identity, none mode: the demo user's own connections (and root's) are the demo user, nobody else's") {
  const auto settings = make_settings({{"auth", std::string("none")}, {"demo_user", std::string("demo")}});
  notifyd::testing::MemoryEphemeral keys;
  SessionStore sessions(keys, "web", std::chrono::hours(1), 10);
  for (const char* user : {"demo", "root"}) {
    const PeerInfo peer{ip::make_address("127.0.0.1"), false, false, user};
    CHECK(identify_caller(settings, sessions, peer, request_with({{"x-forwarded-user", "alice"}})).user == "demo");
  }
  for (const std::optional<std::string>& user : {std::optional<std::string>("mallory"), std::optional<std::string>()}) {
    const PeerInfo peer{ip::make_address("127.0.0.1"), false, false, user};
    const auto identity = identify_caller(settings, sessions, peer, request_with({}));
    CHECK(identity.user.empty());
    CHECK(identity.ignored.find("serves only demo's own connections") != std::string::npos);
  }
}

TEST_CASE("proxy header values") {
  CHECK(user_from_proxy_header("alice", "") == std::optional<std::string>("alice"));
  CHECK(user_from_proxy_header(" alice ", "") == std::optional<std::string>("alice"));
  CHECK_FALSE(user_from_proxy_header("alice@example.com", ""));
  CHECK(user_from_proxy_header("alice@example.com", "example.com") == std::optional<std::string>("alice"));
  CHECK_FALSE(user_from_proxy_header("", ""));
  CHECK_FALSE(user_from_proxy_header("-rf", ""));
  CHECK_FALSE(user_from_proxy_header(std::string(33, 'a'), ""));
  CHECK_FALSE(user_from_proxy_header("a b", ""));
}
