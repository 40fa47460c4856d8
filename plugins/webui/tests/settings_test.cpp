// The dashboard's settings: listen addresses, the loopback rule of
// auth = "none", TLS files, proxies and limits.

#include <catch2/catch.hpp>

#include "notifyd/sdk/http/listen_address.hpp"
#include "test_support.hpp"
#include "trusted_proxies.hpp"
#include "webui_settings.hpp"

using namespace notifyd;
using namespace notifyd::webui;
using namespace notifyd::webui::testing;
namespace ip = boost::asio::ip;

TEST_CASE("listen: IPv4, IPv6 in brackets, localhost, port 0") {
  auto v4 = sdk::http::parse_listen_address("127.0.0.1:8080");
  REQUIRE(v4.ok());
  CHECK(v4->address == ip::make_address("127.0.0.1"));
  CHECK(v4->port == 8080);
  auto v6 = sdk::http::parse_listen_address("[::1]:9000");
  REQUIRE(v6.ok());
  CHECK(v6->address == ip::make_address("::1"));
  CHECK(v6->port == 9000);
  auto local = sdk::http::parse_listen_address("localhost:0");
  REQUIRE(local.ok());
  CHECK(local->address.is_loopback());
  CHECK(local->port == 0);
  CHECK(sdk::http::format_host_port(v6->address, 9000) == "[::1]:9000");
}

TEST_CASE("listen: malformed values are refused with the key named") {
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x", "::1:8080",
                          "[::1]8080", "example.com:80", "[::1", "1.2.3.4:-1"}) {
    INFO(bad);
    auto parsed = sdk::http::parse_listen_address(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().starts_with("listen:"));
  }
}

TEST_CASE("loopback: 127/8, ::1 and mapped IPv4 loopback") {
  CHECK(sdk::http::is_loopback(ip::make_address("127.0.0.1")));
  CHECK(sdk::http::is_loopback(ip::make_address("127.8.9.10")));
  CHECK(sdk::http::is_loopback(ip::make_address("::1")));
  CHECK(sdk::http::is_loopback(ip::make_address("::ffff:127.0.0.1")));
  CHECK_FALSE(sdk::http::is_loopback(ip::make_address("0.0.0.0")));
  CHECK_FALSE(sdk::http::is_loopback(ip::make_address("::")));
  CHECK_FALSE(sdk::http::is_loopback(ip::make_address("10.0.0.1")));
}

TEST_CASE("settings: defaults are link auth on 127.0.0.1:8080 with 12 h sessions and 2 min links") {
  const auto settings = make_settings();
  CHECK(settings.auth == AuthMode::link);
  CHECK(settings.listen.port == 8080);
  CHECK(settings.listen.address == ip::make_address("127.0.0.1"));
  CHECK(settings.session_ttl == std::chrono::hours(12));
  CHECK(settings.login_link_ttl == std::chrono::minutes(2));
  CHECK(settings.user_header == "x-forwarded-user");
  CHECK_FALSE(settings.tls());
}

TEST_CASE("settings: auth = none is refused on a non-loopback address") {
  for (const char* listen : {"0.0.0.0:8080", "[::]:8080", "10.1.2.3:80"}) {
    INFO(listen);
    auto settings = read_web_settings(make_config({{"auth", std::string("none")}, {"listen", std::string(listen)}}), "svc");
    REQUIRE_FALSE(settings.ok());
    CHECK(settings.error().find("non-loopback") != std::string::npos);
  }
  auto local = read_web_settings(make_config({{"auth", std::string("none")}, {"listen", std::string("[::1]:8080")}}), "svc");
  REQUIRE(local.ok());
  CHECK(local->demo_user == "svc");
  auto named = read_web_settings(make_config({{"auth", std::string("none")}, {"demo_user", std::string("alice")}}), "svc");
  REQUIRE(named.ok());
  CHECK(named->demo_user == "alice");
}

TEST_CASE("settings: link auth, and proxy auth trusting remote proxies, may listen anywhere") {
  CHECK(read_web_settings(make_config({{"listen", std::string("0.0.0.0:8080")}}), "svc").ok());
  CHECK(read_web_settings(make_config({{"auth", std::string("proxy")},
                                       {"listen", std::string("0.0.0.0:8080")},
                                       {"trusted_proxies", std::vector<std::string>{"10.0.0.5"}}}),
                          "svc")
            .ok());
}

TEST_CASE("settings: proxy auth trusting loopback needs the proxy's Unix user, or a unix socket") {
  auto everyone = read_web_settings(make_config({{"auth", std::string("proxy")}}), "svc");
  REQUIRE_FALSE(everyone.ok());
  CHECK(everyone.error().starts_with("auth: "));
  CHECK(everyone.error().find("trusted_proxy_users") != std::string::npos);
  CHECK(read_web_settings(make_config({{"auth", std::string("proxy")},
                                       {"trusted_proxy_users", std::vector<std::string>{"www-data"}}}),
                          "svc")
            .ok());
  auto socket = read_web_settings(make_config({{"auth", std::string("proxy")},
                                               {"listen", std::string("unix:/run/notifyd/web.sock")},
                                               {"socket_mode", std::string("0660")}}),
                                  "svc");
  REQUIRE(socket.ok());
  CHECK(socket->listen.is_unix());
  CHECK(socket->listen.unix_path == "/run/notifyd/web.sock");
  CHECK(socket->socket_mode == 0660);
  CHECK(socket->needs_peer_user() == false);
}

TEST_CASE("settings: peer auth only where only this machine connects") {
  const auto local = make_settings({{"auth", std::string("peer")}});
  CHECK(local.auth == AuthMode::peer);
  CHECK(local.needs_peer_user());
  CHECK(make_settings({{"auth", std::string("peer")}, {"listen", std::string("unix:/run/n.sock")}}).listen.is_unix());
  auto open = read_web_settings(make_config({{"auth", std::string("peer")}, {"listen", std::string("0.0.0.0:8080")}}), "svc");
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().find("non-loopback") != std::string::npos);
}

TEST_CASE("listen: unix sockets are absolute paths") {
  auto socket = sdk::http::parse_listen_address("unix:/run/notifyd/web.sock");
  REQUIRE(socket.ok());
  CHECK(socket->is_unix());
  CHECK(socket->is_local());
  CHECK(socket->to_string() == "unix:/run/notifyd/web.sock");
  CHECK_FALSE(sdk::http::parse_listen_address("unix:run/web.sock").ok());
  CHECK_FALSE(sdk::http::parse_listen_address("unix:").ok());
  CHECK_FALSE(sdk::http::parse_listen_address("unix:/" + std::string(200, 'a')).ok());
}

TEST_CASE("settings: every mistake is reported at once, one line per key") {
  auto settings = read_web_settings(make_config({{"listen", std::string("nowhere")},
                                                 {"auth", std::string("oidc")},
                                                 {"socket_mode", std::string("999")},
                                                 {"max_connections", std::int64_t{-1}},
                                                 {"session_ttl", std::chrono::milliseconds{0}}}),
                                    "svc");
  REQUIRE_FALSE(settings.ok());
  std::vector<std::string> lines;
  std::string_view rest = settings.error();
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    lines.emplace_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].starts_with("listen: "));
  CHECK(lines[1].starts_with("socket_mode: "));
  CHECK(lines[2].starts_with("auth: "));
  CHECK(lines[3] == "max_connections: must be greater than zero, not -1");
  CHECK(lines[4] == "session_ttl: must be greater than zero");
}

TEST_CASE("settings: mistakes are refused") {
  using Overrides = std::map<std::string, sdk::ConfigValue>;
  const std::vector<std::pair<Overrides, std::string>> cases = {
      {{{"auth", std::string("oidc")}}, "auth:"},
      {{{"tls_cert", std::string("/x.pem")}}, "tls_cert and tls_key"},
      {{{"user_header", std::string("X User")}}, "user_header:"},
      {{{"trusted_proxies", std::vector<std::string>{"10.0.0.0/33"}}}, "trusted_proxies:"},
      {{{"trusted_proxies", std::vector<std::string>{"proxy.local"}}}, "trusted_proxies:"},
      {{{"auth", std::string("proxy")}, {"trusted_proxies", std::vector<std::string>{}}}, "trusted_proxies"},
      {{{"public_url", std::string("ftp://x")}}, "public_url:"},
      {{{"public_url", std::string("https://x/?a")}}, "public_url:"},
      {{{"logout_url", std::string("//evil.example")}}, "logout_url:"},
      {{{"logout_url", std::string("javascript:alert(1)")}}, "logout_url:"},
      {{{"max_connections", std::int64_t{0}}}, "max_connections:"},
      {{{"session_ttl", std::chrono::milliseconds{0}}}, "session_ttl:"},
      {{{"auth", std::string("none")}, {"demo_user", std::string("no body")}}, "demo_user:"},
  };
  for (const auto& [overrides, expected] : cases) {
    INFO(expected);
    auto settings = read_web_settings(make_config(overrides), "svc");
    REQUIRE_FALSE(settings.ok());
    CHECK(settings.error().find(expected) != std::string::npos);
  }
}

TEST_CASE("settings: public_url loses its trailing slash; the user header is lower-cased") {
  const auto settings = make_settings({{"public_url", std::string("https://notify.example.com/")},
                                       {"user_header", std::string("X-Auth-Request-User")}});
  CHECK(settings.public_url == "https://notify.example.com");
  CHECK(settings.user_header == "x-auth-request-user");
}

TEST_CASE("trusted proxies: addresses and networks, IPv4 and IPv6") {
  auto proxies = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "192.168.1.0/31"});
  REQUIRE(proxies.ok());
  CHECK(proxies->contains(ip::make_address("127.0.0.1")));
  CHECK(proxies->contains(ip::make_address("::ffff:127.0.0.1")));
  CHECK_FALSE(proxies->contains(ip::make_address("127.0.0.2")));
  CHECK(proxies->contains(ip::make_address("10.200.3.4")));
  CHECK_FALSE(proxies->contains(ip::make_address("11.0.0.1")));
  CHECK(proxies->contains(ip::make_address("fd12::1")));
  CHECK_FALSE(proxies->contains(ip::make_address("fe80::1")));
  CHECK(proxies->contains(ip::make_address("192.168.1.1")));
  CHECK_FALSE(proxies->contains(ip::make_address("192.168.1.2")));
  CHECK_FALSE(proxies->contains(ip::make_address("::1")));
  CHECK(proxies->covers_loopback());
  CHECK(TrustedProxies::parse({"127.0.0.2"})->covers_loopback());
  CHECK(TrustedProxies::parse({"0.0.0.0/0"})->covers_loopback());
  CHECK(TrustedProxies::parse({"::/0"})->covers_loopback());
  CHECK_FALSE(TrustedProxies::parse({"10.0.0.0/8", "fd00::/8", "128.0.0.0/1"})->covers_loopback());
  auto none = TrustedProxies::parse({});
  REQUIRE(none.ok());
  CHECK_FALSE(none->contains(ip::make_address("127.0.0.1")));
}
