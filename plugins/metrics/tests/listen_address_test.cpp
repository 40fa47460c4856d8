#include <catch2/catch.hpp>

#include "../listen_address.hpp"

using notifyd::metrics::parse_listen_address;

TEST_CASE("listen addresses are host and port") {
  CHECK(parse_listen_address("127.0.0.1:9464")->port() == 9464);
  CHECK(parse_listen_address("localhost:80")->address().to_string() == "127.0.0.1");
  CHECK(parse_listen_address("[::1]:9464")->address().is_v6());
  CHECK(parse_listen_address("0.0.0.0:1")->address().is_unspecified());
  for (const char* bad : {"", "9464", ":9464", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "example.com:80",
                          "127.0.0.1:80x"}) {
    INFO(bad);
    CHECK_FALSE(parse_listen_address(bad).has_value());
  }
}
