#include <catch2/catch.hpp>

#include "peer_address.hpp"

using notifyd::websocket::peer_address_key;

namespace {

std::string key(const char* address) { return peer_address_key(boost::asio::ip::make_address(address)); }

}  // namespace

TEST_CASE("every loopback source address shares one key", "[peer_address]") {
  CHECK(key("127.0.0.1") == "loopback");
  CHECK(key("127.8.9.10") == "loopback");
  CHECK(key("::1") == "loopback");
  CHECK(key("::ffff:127.0.0.2") == "loopback");
}

TEST_CASE("IPv4 peers are keyed by address, IPv6 peers by their /64", "[peer_address]") {
  CHECK(key("192.0.2.7") == "192.0.2.7");
  CHECK(key("::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  CHECK(key("2001:db8:1:2:bbbb::9") == key("2001:db8:1:2:aaaa::1"));
  CHECK(key("2001:db8:1:3::1") != key("2001:db8:1:2::1"));
}
