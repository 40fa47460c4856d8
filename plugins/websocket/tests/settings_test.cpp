#include <catch2/catch.hpp>

#include "notifyd/testing/problem_lines.hpp"
#include "test_support.hpp"
#include "websocket_settings.hpp"

using namespace notifyd;
using namespace notifyd::websocket;
using namespace notifyd::websocket::testing;
using namespace std::chrono_literals;

TEST_CASE("the defaults are the seed's", "[settings]") {
  const auto settings = read_websocket_settings(make_config());
  REQUIRE(settings);
  CHECK(settings->server.listen.to_string() == "127.0.0.1:8765");
  CHECK(settings->server.max_connections == 20000);
  CHECK(settings->auth_timeout == 10s);
  CHECK(settings->ping_interval == 30s);
  CHECK(settings->max_missed_pongs == 3);
  CHECK(settings->max_connections_per_user == 5);
  CHECK(settings->max_unauthenticated_per_address == 256);
  CHECK(settings->max_frame == 64 * 1024);
  CHECK(settings->replay_limit == 500);
  CHECK(settings->image_max_bytes == 20u << 20);
  CHECK(settings->token_ttl == std::chrono::hours(24 * 30));
  CHECK_FALSE(settings->tls());
  CHECK(settings->jwt_secret.empty());
}

TEST_CASE("listen takes the SDK server's grammar, TCP only", "[settings]") {
  CHECK(read_websocket_settings(make_config({{"listen", std::string("localhost:8765")}}))->server.listen.to_string() ==
        "127.0.0.1:8765");
  CHECK(read_websocket_settings(make_config({{"listen", std::string("[::1]:8765")}}))->server.listen.port == 8765);
  for (const std::string bad : {"", "8765", ":8765", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:65536", "127.0.0.1:80x",
                                "::1:8765", "[::1]", "[]:80", "unix:/run/desk.sock"}) {
    INFO(bad);
    CHECK_FALSE(read_websocket_settings(make_config({{"listen", bad}})));
  }
}

TEST_CASE("settings are validated beyond the schema", "[settings]") {
  CHECK_FALSE(read_websocket_settings(make_config({{"listen", std::string("nowhere")}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"tls_cert", std::string("/etc/hostname")}})));
  CHECK_FALSE(read_websocket_settings(
      make_config({{"tls_cert", std::string("/nonexistent.pem")}, {"tls_key", std::string("/nonexistent.key")}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"ping_interval", 0ms}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"max_missed_pongs", std::int64_t{0}}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"max_frame", std::int64_t{1} << 30}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"send_queue_limit", std::int64_t{-1}}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"max_unauthenticated_per_address", std::int64_t{0}}})));
  CHECK_FALSE(read_websocket_settings(make_config({{"public_url", std::string("http://x/")}})));
  CHECK(read_websocket_settings(make_config({{"replay_limit", std::int64_t{0}}})));
}

TEST_CASE("the desktop URL comes from public_url or listen", "[settings]") {
  auto settings = read_websocket_settings(make_config()).value();
  CHECK(desktop_url(settings, "dash.example") == "ws://127.0.0.1:8765/");
  settings.server.listen = sdk::http::parse_listen_address("0.0.0.0:9000").value();
  CHECK(desktop_url(settings, "dash.example") == "ws://dash.example:9000/");
  CHECK(desktop_url(settings, "") == "ws://localhost:9000/");
  settings.server.listen = sdk::http::parse_listen_address("[::1]:9000").value();
  CHECK(desktop_url(settings, "") == "ws://[::1]:9000/");
  settings.server.tls_cert = "/c";
  CHECK(desktop_url(settings, "").starts_with("wss://"));
  settings.public_url = "wss://push.example/desk";
  CHECK(desktop_url(settings, "x") == "wss://push.example/desk");
}

TEST_CASE("every wrong key is reported at once, one line each starting with the key", "[settings]") {
  const auto settings = read_websocket_settings(make_config({{"listen", std::string("nowhere")},
                                                             {"tls_cert", std::string("/nonexistent.pem")},
                                                             {"max_frame", std::int64_t{-1}},
                                                             {"public_url", std::string("http://x/")}}));
  REQUIRE_FALSE(settings);
  const auto lines = notifyd::testing::problem_lines(settings.error());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "listen: \"nowhere\" is not host:port (write IPv6 as [::1]:8080)");
  CHECK(lines[1] == "tls_cert: tls_cert and tls_key go together: give both for TLS, or neither");
  CHECK(lines[2] == "tls_cert: /nonexistent.pem is not a readable file");
  CHECK(lines[3] == "max_frame: must be between 256 and 16777216");
  CHECK(lines[4] == "public_url: must start with ws:// or wss://");
}
