#include <catch2/catch.hpp>

#include "user_directory.hpp"

using notifyd::core::UserDirectory;

TEST_CASE("the user directory answers from the system's user database", "[users]") {
  const UserDirectory users("");
  const notifyd::sdk::Users& seen_by_plugins = users;
  CHECK(seen_by_plugins.name_of(0) == std::optional<std::string>("root"));
  CHECK(seen_by_plugins.uid_of("root") == std::optional<uid_t>(0));
  CHECK_FALSE(seen_by_plugins.uid_of("no-such-user-here"));
  CHECK_FALSE(seen_by_plugins.name_of(static_cast<uid_t>(4'000'000'000u)));
}

TEST_CASE("root is an admin; unknown users and others without the group are not", "[users]") {
  const UserDirectory without_group("");
  CHECK(without_group.is_admin("root"));
  CHECK_FALSE(without_group.is_admin("no-such-user-here"));
  CHECK_FALSE(without_group.is_admin("nobody"));
  const UserDirectory with_missing_group("no-such-group-here");
  CHECK_FALSE(with_missing_group.is_admin("nobody"));
  CHECK(with_missing_group.is_admin("root"));
}
