#include <catch2/catch.hpp>

#include <string>

#include "notifyd/sdk/user_name.hpp"

using notifyd::sdk::is_valid_user_name;

TEST_CASE("user names are what Debian's useradd accepts", "[user_name]") {
  for (const char* name : {"alice", "deploy", "data-ops", "a", "_apt", "systemd-network", "Bob.Smith", "user_1",
                           "1000x", "host$", ".hidden", "a-"}) {
    INFO(name);
    CHECK(is_valid_user_name(name));
  }
  CHECK(is_valid_user_name(std::string(32, 'a')));
}

TEST_CASE("anything else is not a user name", "[user_name]") {
  for (const char* name : {"", "-rf", ".", "..", "$", "../etc", "a/b", "al ice", "a\tb", "a:b", "a,b", "alice@example.com",
                           "caf\xC3\xA9", "a$b", "tab\n", "x\x7f"}) {
    INFO(name);
    CHECK_FALSE(is_valid_user_name(name));
  }
  CHECK_FALSE(is_valid_user_name(std::string("a\0b", 3)));
  CHECK_FALSE(is_valid_user_name(std::string(33, 'a')));
}
