#include <catch2/catch.hpp>

#include "users_text.hpp"

using namespace notifyctl;

TEST_CASE("users lists linked users sorted by name with their state", "[users_text]") {
  LinkedUserList list;
  list.users = {{"zoe", 42, "2026-11-20T10:00:00Z", true},
                {"alice", -1001234, "2026-11-01T08:30:00Z", false},
                {"bob", 7, "", true}};
  CHECK(users_text(list) ==
        "USER    CHAT ID  LINKED AT             STATE\n"
        "alice  -1001234  2026-11-01T08:30:00Z  blocked\n"
        "bob           7  ?                     active\n"
        "zoe          42  2026-11-20T10:00:00Z  active\n"
        "3 linked users (1 blocked)\n");
}

TEST_CASE("users without any link says how users link", "[users_text]") {
  CHECK(users_text(LinkedUserList{}).starts_with("no linked users"));
  LinkedUserList one;
  one.users = {{"alice", 1, "2026-11-01T08:30:00Z", true}};
  CHECK(users_text(one).ends_with("\n1 linked user\n"));
}
