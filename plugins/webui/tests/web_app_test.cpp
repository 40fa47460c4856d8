// Request handling with a fake host, no network: who may reach what, the
// login link flow, CSRF on the dashboard's and other plugins' routes, image
// ownership, sessions per sign-in mode, and the pages' content.

#include <catch2/catch.hpp>

#include <fstream>

#include "cookies.hpp"
#include "notifyd/sdk/http/request_target.hpp"
#include "notifyd/sdk/json.hpp"
#include "test_support.hpp"
#include "web_app.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace notifyd::webui::testing;
namespace ip = boost::asio::ip;

namespace {

using Headers = std::map<std::string, std::string, std::less<>>;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A WebApp around a fake host.
class App {
 public:
  explicit App(std::map<std::string, sdk::ConfigValue> overrides = {})
      : host(io, make_config(overrides)),
        settings(make_settings(overrides)),
        sessions(host.coordination().ephemeral(), "web", settings.session_ttl, 100),
        links(host.coordination().ephemeral(), "web", settings.login_link_ttl),
        tokens(host.documents()),
        app(host, settings, sessions, links, tokens) {}

  sdk::HttpResponse call(const std::string& method, const std::string& target, Headers headers = {},
                         std::string body = {}, const std::string& peer = "127.0.0.1") {
    auto parsed = sdk::http::parse_request_target(target);
    REQUIRE(parsed);
    sdk::HttpRequest request;
    request.method = method;
    request.path = parsed->path;
    request.query = parsed->query;
    headers.try_emplace("host", "127.0.0.1:8080");
    request.headers = std::move(headers);
    request.body = std::move(body);
    ResponseCatcher catcher;
    app.handle(PeerInfo{ip::make_address(peer), false, false, peer_user}, std::move(request), catcher.responder());
    auto response = catcher.get();
    CHECK(catcher.calls() == 1);
    return response;
  }

  /// A session for `user` and the Cookie header that carries it.
  std::pair<LoginSession, Headers> signed_in(const std::string& user) {
    auto session = sessions.create(user).value();
    return {session, Headers{{"cookie", "notifyd_session=" + session.id}}};
  }

  /// Registers a web route answering `{"user": caller}` and counting calls.
  void add_route(const std::string& method, const std::string& path, std::uint32_t surfaces = sdk::surface_web,
                 bool public_access = false) {
    sdk::Route route;
    route.method = method;
    route.path = path;
    route.surfaces = surfaces;
    route.public_access = public_access;
    route.handler = [this](sdk::HttpRequest request, sdk::Responder respond) {
      ++route_calls;
      respond(sdk::HttpResponse::json(200, "{\"user\":" + sdk::json_quote(request.caller.user) + "}"));
    };
    REQUIRE(host.route_table.add(std::move(route)).ok);
  }

  std::optional<std::string> peer_user;  ///< who the kernel says opened the connection
  boost::asio::io_context io;
  FakeHost host;
  WebSettings settings;
  SessionStore sessions;
  LoginLinks links;
  ApiTokens tokens;
  WebApp app;
  int route_calls = 0;
};

void check_security_headers(const sdk::HttpResponse& response) {
  CHECK(contains(header_of(response, "Content-Security-Policy"), "script-src 'self'"));
  CHECK(contains(header_of(response, "Content-Security-Policy"), "frame-ancestors 'none'"));
  CHECK_FALSE(contains(header_of(response, "Content-Security-Policy"), "unsafe-inline"));
  CHECK(header_of(response, "X-Content-Type-Options") == "nosniff");
  CHECK(header_of(response, "X-Frame-Options") == "DENY");
  CHECK(header_of(response, "Referrer-Policy") == "same-origin");
}

Headers with(Headers base, std::initializer_list<std::pair<const std::string, std::string>> more) {
  for (const auto& [name, value] : more) base[name] = value;
  return base;
}

}  // namespace

TEST_CASE("web app: without a session the API answers 401 JSON and pages redirect to /login") {
  App app;
  app.add_route("GET", "/v1/checks");
  for (const char* target : {"/api/me", "/api/notifications", "/api/notifications/images/1", "/v1/checks",
                             "/api/telegram/status", "/api/unknown", "/v1/unknown"}) {
    INFO(target);
    const auto response = app.call("GET", target);
    CHECK(response.status == 401);
    CHECK(response.content_type == "application/json");
    CHECK(response.body == R"({"error":"sign in first"})");
    check_security_headers(response);
  }
  for (const char* target : {"/", "/checks", "/history", "/desktop", "/no-such-page"}) {
    INFO(target);
    const auto response = app.call("GET", target);
    CHECK(response.status == 303);
    CHECK(header_of(response, "Location") == "/login");
  }
  CHECK(app.route_calls == 0);
}

TEST_CASE("web app: the sign-in page, assets and health are open") {
  App app;
  const auto login = app.call("GET", "/login");
  CHECK(login.status == 200);
  CHECK(login.content_type == "text/html; charset=utf-8");
  CHECK(contains(login.body, "notifyctl login"));
  check_security_headers(login);
  CHECK(header_of(login, "Cache-Control") == "no-store");

  const auto css = app.call("GET", "/assets/app.css");
  CHECK(css.status == 200);
  CHECK(css.content_type == "text/css; charset=utf-8");
  CHECK(header_of(css, "Cache-Control") == "no-cache");
  const auto etag = header_of(css, "ETag");
  CHECK(app.call("GET", "/assets/app.css", {{"if-none-match", etag}}).status == 304);
  const auto version = etag.substr(1, etag.size() - 2);
  CHECK(header_of(app.call("GET", "/assets/app.css?v=" + version), "Cache-Control") ==
        "public, max-age=31536000, immutable");
  CHECK(app.call("GET", "/assets/nothing.js").status == 404);
  CHECK(app.call("GET", "/assets/../web_app.cpp").status != 200);
  CHECK(app.call("GET", "/healthz").status == 200);
}

TEST_CASE("web app: a login link opens one session, once") {
  App app;
  const auto link = *app.links.mint("alice").value();
  const auto page = app.call("GET", "/login/link?token=" + link.token);
  CHECK(page.status == 200);
  CHECK(contains(page.body, "Continue as alice"));

  const Headers form{{"content-type", "application/x-www-form-urlencoded"}, {"origin", "http://127.0.0.1:8080"}};
  const auto signed_in = app.call("POST", "/login/link", form, "token=" + link.token);
  CHECK(signed_in.status == 303);
  CHECK(header_of(signed_in, "Location") == "/");
  const auto cookie = header_of(signed_in, "Set-Cookie");
  CHECK(cookie.starts_with("notifyd_session="));
  CHECK(contains(cookie, "; HttpOnly"));
  CHECK(contains(cookie, "; SameSite=Strict"));
  CHECK_FALSE(contains(cookie, "Secure"));
  const std::string id = cookie.substr(16, cookie.find(';') - 16);
  const auto me = app.call("GET", "/api/me", {{"cookie", "notifyd_session=" + id}});
  CHECK(me.status == 200);
  CHECK(contains(me.body, "\"user\":\"alice\""));

  CHECK(app.call("POST", "/login/link", form, "token=" + link.token).status == 400);
  CHECK(app.call("GET", "/login/link?token=" + link.token).status == 400);
  CHECK(app.call("POST", "/login/link", form, "token=garbage").status == 400);
  CHECK(app.call("POST", "/login/link", form, "").status == 400);
}

TEST_CASE("web app: after signing in the user lands on the page asked for, never on another site") {
  App app;
  const Headers form{{"content-type", "application/x-www-form-urlencoded"}, {"origin", "http://127.0.0.1:8080"}};
  const auto asked = app.call("GET", "/history?before=30");
  CHECK(header_of(asked, "Location") == "/login");
  const std::string kept = header_of(asked, "Set-Cookie");
  CHECK(kept.starts_with("notifyd_return=%2Fhistory%3Fbefore%3D30;"));
  CHECK(contains(kept, "; Path=/login; HttpOnly; SameSite=Lax"));
  const Headers carried{{"cookie", "notifyd_return=%2Fhistory%3Fbefore%3D30"}};
  CHECK(contains(app.call("GET", "/login", carried).body, "you go on to <code>/history?before=30</code>"));

  const auto link = *app.links.mint("alice").value();
  const auto signed_in = app.call("POST", "/login/link", with(form, {{"cookie", "notifyd_return=%2Fhistory%3Fbefore%3D30"}}),
                                  "token=" + link.token);
  CHECK(signed_in.status == 303);
  CHECK(header_of(signed_in, "Location") == "/history?before=30");
  CHECK(std::any_of(signed_in.headers.begin(), signed_in.headers.end(), [](const auto& header) {
    return header.first == "Set-Cookie" && header.second.starts_with("notifyd_return=; Path=/login");
  }));

  // ?next= on the sign-in page, carried by the link's form.
  const auto next = app.call("GET", "/login?next=%2Fchecks");
  CHECK(header_of(next, "Set-Cookie").starts_with("notifyd_return=%2Fchecks;"));
  const auto second = *app.links.mint("alice").value();
  CHECK(contains(app.call("GET", "/login/link?token=" + second.token + "&next=%2Fdesktop").body,
                 "name=\"next\" value=\"/desktop\""));
  CHECK(header_of(app.call("POST", "/login/link", form, "token=" + second.token + "&next=%2Fdesktop"), "Location") ==
        "/desktop");

  // Off-site and odd targets lead to the dashboard's home instead.
  for (const char* target : {"https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2F%5Cevil.example",
                             "javascript%3Aalert(1)"}) {
    INFO(target);
    const auto offsite = *app.links.mint("alice").value();
    CHECK(header_of(app.call("POST", "/login/link", form, "token=" + offsite.token + "&next=" + target), "Location") ==
          "/");
    CHECK(header_of(app.call("GET", std::string("/login?next=") + target), "Set-Cookie").empty());
    const auto by_cookie = *app.links.mint("alice").value();
    CHECK(header_of(app.call("POST", "/login/link", with(form, {{"cookie", std::string("notifyd_return=") + target}}),
                             "token=" + by_cookie.token),
                    "Location") == "/");
  }
  // Signed in already, /login leads on at once.
  auto [session, cookie] = app.signed_in("alice");
  CHECK(header_of(app.call("GET", "/login?next=%2Fchecks", cookie), "Location") == "/checks");
  CHECK(header_of(app.call("GET", "/login?next=%2F%2Fevil.example", cookie), "Location") == "/");
}

TEST_CASE("web app: a login link posted from another site is refused") {
  App app;
  const auto link = *app.links.mint("alice").value();
  const auto response = app.call("POST", "/login/link",
                                 {{"content-type", "application/x-www-form-urlencoded"}, {"origin", "http://evil.example"}},
                                 "token=" + link.token);
  CHECK(response.status == 403);
  CHECK(app.links.peek(link.token).value());
}

TEST_CASE("web app: state changes need the session's CSRF token, on other plugins' routes too") {
  App app;
  app.add_route("POST", "/api/telegram/unlink");
  auto [session, cookie] = app.signed_in("alice");

  const auto missing = app.call("POST", "/api/telegram/unlink", cookie);
  CHECK(missing.status == 403);
  CHECK(missing.body == R"({"error":"missing or wrong CSRF token"})");
  CHECK(app.call("POST", "/api/telegram/unlink", with(cookie, {{"x-csrf-token", "wrong"}})).status == 403);
  auto [other, other_cookie] = app.signed_in("bob");
  CHECK(app.call("POST", "/api/telegram/unlink", with(cookie, {{"x-csrf-token", other.csrf_token}})).status == 403);
  CHECK(app.route_calls == 0);

  const auto ok = app.call("POST", "/api/telegram/unlink", with(cookie, {{"x-csrf-token", session.csrf_token}}));
  CHECK(ok.status == 200);
  CHECK(ok.body == R"({"user":"alice"})");
  check_security_headers(ok);
  CHECK(app.route_calls == 1);

  const auto cross = app.call("POST", "/api/telegram/unlink",
                              with(cookie, {{"x-csrf-token", session.csrf_token}, {"origin", "https://evil.example"}}));
  CHECK(cross.status == 403);
  CHECK(app.route_calls == 1);
}

TEST_CASE("web app: routes of other surfaces are not served; public routes need no session") {
  App app;
  app.add_route("GET", "/api/socket-only", sdk::surface_socket);
  app.add_route("GET", "/api/hook", sdk::surface_web, true);
  auto [session, cookie] = app.signed_in("alice");
  CHECK(app.call("GET", "/api/socket-only", cookie).status == 404);
  CHECK(app.call("GET", "/api/hook").status == 200);
  CHECK(app.call("GET", "/api/hook").body == R"({"user":""})");
  CHECK(app.call("GET", "/logout", cookie).status == 405);
}

TEST_CASE("web app: images are served only to their owner") {
  App app;
  TempDir dir;
  const auto path = dir / "1.png";
  std::ofstream(path, std::ios::binary) << png_bytes;
  app.host.history.add("alice", "chart", path.string());
  app.host.history.add("alice", "text only");
  auto [alice, alice_cookie] = app.signed_in("alice");
  auto [bob, bob_cookie] = app.signed_in("bob");

  const auto image = app.call("GET", "/api/notifications/images/1", alice_cookie);
  CHECK(image.status == 200);
  CHECK(image.content_type == "image/png");
  CHECK(image.body == png_bytes);
  CHECK(contains(header_of(image, "Cache-Control"), "private"));
  CHECK(header_of(image, "X-Content-Type-Options") == "nosniff");
  CHECK(app.call("GET", "/api/notifications/images/1", with(alice_cookie, {{"if-none-match", header_of(image, "ETag")}}))
            .status == 304);

  for (const auto& [target, cookie] : std::vector<std::pair<std::string, Headers>>{
           {"/api/notifications/images/1", bob_cookie},
           {"/api/notifications/images/2", alice_cookie},
           {"/api/notifications/images/99", alice_cookie},
           {"/api/notifications/images/abc", alice_cookie},
           {"/api/notifications/images/0", alice_cookie},
           {"/api/notifications/images/1/x", alice_cookie}}) {
    INFO(target);
    const auto refused = app.call("GET", target, cookie);
    CHECK(refused.status == 404);
    CHECK(refused.content_type == "application/json");
  }
  std::filesystem::remove(path);
  CHECK(app.call("GET", "/api/notifications/images/1", alice_cookie).status == 404);
}

TEST_CASE("web app: /api/notifications answers the caller's own, newest first, paged") {
  App app;
  for (int i = 0; i < 5; ++i) app.host.history.add(i % 2 ? "bob" : "alice", "n" + std::to_string(i));
  auto [session, cookie] = app.signed_in("alice");
  const auto page = app.call("GET", "/api/notifications?limit=2", cookie);
  REQUIRE(page.status == 200);
  rapidjson::Document document;
  REQUIRE(sdk::parse_json(page.body, document));
  REQUIRE(document["notifications"].Size() == 2);
  CHECK(document["notifications"][0]["id"].GetUint64() == 5);
  CHECK(document["notifications"][1]["id"].GetUint64() == 3);
  CHECK(document["next_before"].GetUint64() == 3);
  CHECK(app.host.history.last_query()->user == "alice");
  const auto older = app.call("GET", "/api/notifications?limit=2&before=3", cookie);
  REQUIRE(sdk::parse_json(older.body, document));
  REQUIRE(document["notifications"].Size() == 1);
  CHECK(document["next_before"].IsNull());
  CHECK(app.call("GET", "/api/notifications?limit=0", cookie).status == 400);
  CHECK(app.call("GET", "/api/notifications?before=x", cookie).status == 400);
  app.call("GET", "/api/notifications?limit=100000", cookie);
  CHECK(app.host.history.last_query()->limit == 100);
}

TEST_CASE("web app: the History page and /api/notifications pass the priority and tag filters to the store") {
  App app;
  app.host.history.add("alice", "n");
  auto [session, cookie] = app.signed_in("alice");
  CHECK(app.call("GET", "/history?min_priority=4&tag=backup", cookie).status == 200);
  CHECK(app.host.history.last_query()->min_priority == sdk::Priority::high);
  CHECK(app.host.history.last_query()->tag == "backup");
  CHECK(app.call("GET", "/history?min_priority=&tag=", cookie).status == 200);
  CHECK_FALSE(app.host.history.last_query()->min_priority);
  CHECK(app.host.history.last_query()->tag.empty());
  const auto bad = app.call("GET", "/history?min_priority=loud", cookie);
  CHECK(bad.status == 400);
  CHECK(contains(bad.body, "Bad filter: min_priority: expected 1-5 or min, low, default, high, urgent (max)"));
  CHECK(app.call("GET", "/history?tag=%3Cb%3E%2Cx", cookie).status == 400);

  const auto api = app.call("GET", "/api/notifications?min_priority=urgent&tag=disk", cookie);
  CHECK(api.status == 200);
  CHECK(app.host.history.last_query()->min_priority == sdk::Priority::urgent);
  CHECK(app.host.history.last_query()->tag == "disk");
  CHECK(contains(api.body, "\"priority\":3,\"tags\":[]"));
  const auto refused = app.call("GET", "/api/notifications?tag=a%2Cb", cookie);
  CHECK(refused.status == 400);
  CHECK(refused.body == R"({"error":"tag: tag \"a,b\" contains a comma"})");
}

TEST_CASE("web app: HTML in a notification is shown as text on the History page") {
  App app;
  app.host.history.add("alice", "<script>alert(1)</script>");
  auto [session, cookie] = app.signed_in("alice");
  const auto page = app.call("GET", "/history", cookie);
  CHECK(page.status == 200);
  CHECK(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_FALSE(contains(page.body, "<script>alert"));
  CHECK(contains(page.body, "<meta name=\"csrf-token\" content=\"" + session.csrf_token + "\">"));
  CHECK(app.call("GET", "/history?before=zz", cookie).status == 400);
}

TEST_CASE("web app: pages show the Telegram card, checks and the desktop app by what is configured") {
  App app;
  auto [session, cookie] = app.signed_in("alice");
  CHECK(contains(app.call("GET", "/", cookie).body, "Telegram is not configured"));
  CHECK(contains(app.call("GET", "/desktop", cookie).body, "no <code>websocket</code> plugin"));

  sdk::Route status;
  status.method = "GET";
  status.path = "/api/telegram/status";
  status.surfaces = sdk::surface_web | sdk::surface_socket;
  status.handler = [](sdk::HttpRequest request, sdk::Responder respond) {
    const bool linked = request.caller.user == "alice";
    respond(sdk::HttpResponse::json(200, std::string("{\"linked\":") + (linked ? "true" : "false") +
                                             ",\"linked_at\":\"2026-01-02T03:04:05Z\",\"active\":true}"));
  };
  REQUIRE(app.host.route_table.add(std::move(status)).ok);
  CHECK(contains(app.call("GET", "/", cookie).body, "Linked</span> since"));
  auto [bob, bob_cookie] = app.signed_in("bob");
  CHECK(contains(app.call("GET", "/", bob_cookie).body, "Verification code"));

  app.add_route("POST", "/api/desktop/token");
  CHECK(contains(app.call("GET", "/desktop", cookie).body, "Create token"));

  sdk::CheckStatus check;
  check.definition.name = "revenue_drop";
  check.definition.user = "alice";
  check.definition.schedule = "0 * * * *";
  app.host.check_service.statuses.push_back(check);
  check.definition.name = "bobs_check";
  check.definition.user = "bob";
  app.host.check_service.statuses.push_back(check);
  const auto checks = app.call("GET", "/checks", cookie);
  CHECK(contains(checks.body, "revenue_drop"));
  CHECK_FALSE(contains(checks.body, "bobs_check"));

  const auto me = app.call("GET", "/api/me", cookie);
  CHECK(contains(me.body, "\"telegram_configured\":true"));
  CHECK(contains(me.body, "\"desktop_configured\":true"));
  CHECK(contains(me.body, "\"csrf_token\":\"" + session.csrf_token + "\""));
}

TEST_CASE("web app: Telegram and desktop push off, and the bot's name, as their plugins tell it") {
  App app;
  auto [session, cookie] = app.signed_in("alice");
  const auto answering = [&app](const std::string& method, const std::string& path, std::string body) {
    sdk::Route route;
    route.method = method;
    route.path = path;
    route.surfaces = sdk::surface_web | sdk::surface_socket;
    route.handler = [body](sdk::HttpRequest, sdk::Responder respond) { respond(sdk::HttpResponse::json(200, body)); };
    REQUIRE(app.host.route_table.add(std::move(route)).ok);
  };
  answering("GET", "/api/telegram/status", R"({"linked":false,"linked_at":null,"active":false})");
  answering("POST", "/api/desktop/token", R"j({"error":"desktop push is not configured (no jwt_secret)"})j");
  // A route answering `on_body` while `on`, else `off_body`.
  const auto switchable = [&app](const std::string& path, const bool& on, std::string on_body, std::string off_body) {
    sdk::Route route;
    route.method = "GET";
    route.path = path;
    route.surfaces = sdk::surface_web;
    route.handler = [&on, on_body, off_body](sdk::HttpRequest, sdk::Responder respond) {
      respond(sdk::HttpResponse::json(200, on ? on_body : off_body));
    };
    REQUIRE(app.host.route_table.add(std::move(route)).ok);
  };
  bool telegram_on = false;
  bool desktop_on = false;
  switchable("/api/telegram/bot", telegram_on, R"({"configured":true,"username":"notifyd_bot"})",
             R"({"configured":false,"username":null})");
  switchable("/api/desktop/status", desktop_on, R"({"configured":true})", R"({"configured":false})");

  const auto home = app.call("GET", "/", cookie).body;
  CHECK(contains(home, "Telegram is not set up on this server"));
  CHECK_FALSE(contains(home, "Not linked"));
  CHECK(contains(app.call("GET", "/desktop", cookie).body, "desktop push is not set up on this server"));
  const auto off = app.call("GET", "/api/me", cookie).body;
  CHECK(contains(off, "\"telegram_configured\":false"));
  CHECK(contains(off, "\"desktop_configured\":false"));
  CHECK(contains(off, "\"telegram_bot\":null"));

  telegram_on = desktop_on = true;
  const auto named = app.call("GET", "/", cookie).body;
  CHECK(contains(named, "Not linked"));
  CHECK(contains(named, "<a href=\"https://t.me/notifyd_bot\" rel=\"noopener noreferrer\">@notifyd_bot</a>"));
  CHECK(contains(app.call("GET", "/desktop", cookie).body, "Create token"));
  const auto on = app.call("GET", "/api/me", cookie).body;
  CHECK(contains(on, "\"telegram_configured\":true"));
  CHECK(contains(on, "\"desktop_configured\":true"));
  CHECK(contains(on, "\"telegram_bot\":\"notifyd_bot\""));
}

TEST_CASE("web app: logout ends the session and clears the cookie") {
  App app;
  auto [session, cookie] = app.signed_in("alice");
  const Headers form = with(cookie, {{"content-type", "application/x-www-form-urlencoded"}});
  CHECK(app.call("POST", "/logout", form, "csrf_token=nope").status == 403);
  const auto out = app.call("POST", "/logout", form, "csrf_token=" + session.csrf_token);
  CHECK(out.status == 303);
  CHECK(header_of(out, "Location") == "/login?signed_out=1");
  CHECK(contains(header_of(out, "Set-Cookie"), "Max-Age=0"));
  CHECK(app.call("GET", "/api/me", cookie).status == 401);
  CHECK(contains(app.call("GET", "/login?signed_out=1").body, "You are signed out"));
}

TEST_CASE("web app, none mode: the demo user gets a session on the first page; other Host names are refused") {
  App app({{"auth", std::string("none")}, {"demo_user", std::string("demo")}});
  app.peer_user = "demo";
  const auto page = app.call("GET", "/");
  CHECK(page.status == 200);
  const auto cookie = header_of(page, "Set-Cookie");
  CHECK(cookie.starts_with("notifyd_session="));
  CHECK(contains(page.body, "Demo mode"));
  const std::string id = cookie.substr(16, cookie.find(';') - 16);
  const auto session = app.sessions.find(id).value();
  REQUIRE(session);
  CHECK(session->user == "demo");
  CHECK(contains(page.body, session->csrf_token));

  CHECK(app.call("GET", "/api/me").status == 200);
  app.add_route("POST", "/api/telegram/unlink");
  CHECK(app.call("POST", "/api/telegram/unlink").status == 403);
  CHECK(app.call("POST", "/api/telegram/unlink", {{"cookie", "notifyd_session=" + id}, {"x-csrf-token", session->csrf_token}})
            .status == 200);
  CHECK(app.call("GET", "/api/me", {{"host", "evil.example:8080"}}).status == 403);
  CHECK(app.call("GET", "/login").status == 303);
}

TEST_CASE("web app, proxy mode: the header is believed from a trusted proxy only") {
  App app({{"auth", std::string("proxy")},
           {"trusted_proxies", std::vector<std::string>{"127.0.0.1"}},
           {"trusted_proxy_users", std::vector<std::string>{"www-data"}}});
  app.peer_user = "www-data";
  const Headers alice{{"x-forwarded-user", "alice"}};
  const auto me = app.call("GET", "/api/me", alice, {}, "127.0.0.1");
  CHECK(me.status == 200);
  CHECK(contains(me.body, "\"user\":\"alice\""));
  CHECK(app.call("GET", "/api/me", alice, {}, "127.0.0.2").status == 401);
  CHECK(app.call("GET", "/", alice, {}, "10.1.1.1").status == 303);
  CHECK(app.host.logger.contains("from 10.1.1.1, which is not the proxy"));

  const auto page = app.call("GET", "/", alice, {}, "127.0.0.1");
  CHECK(page.status == 200);
  const auto cookie = header_of(page, "Set-Cookie");
  REQUIRE(cookie.starts_with("notifyd_session="));
  const std::string id = cookie.substr(16, cookie.find(';') - 16);
  // The session stays bound to alice: bob's header with alice's cookie is a different user.
  const auto bob_page = app.call("GET", "/", {{"x-forwarded-user", "bob"}, {"cookie", "notifyd_session=" + id}});
  CHECK(contains(bob_page.body, "Signed in as <strong>bob</strong>"));
  CHECK(header_of(bob_page, "Set-Cookie") != cookie);
}

TEST_CASE("web app, proxy mode: another local user cannot name anyone") {
  App app({{"auth", std::string("proxy")}, {"trusted_proxy_users", std::vector<std::string>{"www-data"}}});
  app.peer_user = "mallory";
  CHECK(app.call("GET", "/api/me", {{"x-forwarded-user", "root"}}).status == 401);
  app.peer_user.reset();
  CHECK(app.call("GET", "/api/me", {{"x-forwarded-user", "root"}}).status == 401);
}

TEST_CASE("web app, peer mode: the connection's Unix user, only to localhost") {
  App app({{"auth", std::string("peer")}});
  app.peer_user = "alice";
  const auto me = app.call("GET", "/api/me", {{"x-forwarded-user", "root"}});
  CHECK(me.status == 200);
  CHECK(contains(me.body, "\"user\":\"alice\""));
  const auto page = app.call("GET", "/");
  CHECK(page.status == 200);
  CHECK(contains(page.body, "You are <strong>alice</strong>"));
  CHECK(app.call("GET", "/api/me", {{"host", "evil.example:8080"}}).status == 403);
  app.peer_user.reset();
  CHECK(app.call("GET", "/api/me").status == 401);
  const auto login = app.call("GET", "/login");
  CHECK(login.status == 200);
  CHECK(contains(login.body, "ssh -L"));
}
