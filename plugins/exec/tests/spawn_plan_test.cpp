#include <catch2/catch.hpp>

#include <algorithm>

#include "spawn_plan.hpp"
#include "test_support.hpp"

using namespace notifyd::exec;
using namespace notifyd::exec::testing;

namespace {

UserAccount alice(const std::filesystem::path& home = "/home/alice") {
  return {"alice", 1000, 1000, home, {1000, 27}};
}

}  // namespace

TEST_CASE("a script's environment is clean and complete", "[spawn_plan]") {
  const std::vector<std::string> user{
      "HOME=/home/alice",  "USER=alice",    "LOGNAME=alice",
      "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "MPLCONFIGDIR=/tmp/mpl_alice",
      "NOTIFYD_USER=alice",
  };
  CHECK(user_environment(alice(), {"/usr/bin:/bin", "C.UTF-8"}) == user);
  const std::vector<std::string> run{"NOTIFYD_CHECK=revenue_drop", "NOTIFYD_RUN_ID=42"};
  CHECK(run_environment("revenue_drop", 42) == run);
  const SpawnPlan plan = script_plan("/home/alice/user/notifications/revenue_drop.py", alice(),
                                     {"/usr/bin:/bin", "C.UTF-8"}, "/usr/bin/python3", "revenue_drop", 42, 0);
  CHECK(plan.environment == user);
  CHECK(plan.run_environment == run);
}

TEST_CASE("the user's venv interpreter wins when it is executable", "[spawn_plan]") {
  TempDir home;
  CHECK(choose_interpreter(home.path(), "/usr/bin/python3") == "/usr/bin/python3");
  write_file(home / ".venv/bin/python", "#!/bin/sh\n", 0644);
  CHECK(choose_interpreter(home.path(), "/usr/bin/python3") == "/usr/bin/python3");
  ::chmod((home / ".venv/bin/python").c_str(), 0755);
  CHECK(choose_interpreter(home.path(), "/usr/bin/python3") == (home / ".venv/bin/python").string());
}

TEST_CASE("only a root daemon switches identity", "[spawn_plan]") {
  const auto as_root = script_plan("/home/alice/n/a.py", alice(), {"/bin", "C"}, "/usr/bin/python3", "a", 7, 0);
  CHECK(as_root.program == "/usr/bin/python3");
  CHECK(as_root.arguments == std::vector<std::string>{"/usr/bin/python3", "/home/alice/n/a.py"});
  CHECK(as_root.working_directory == "/home/alice");
  REQUIRE(as_root.identity);
  CHECK(as_root.identity->uid == 1000);
  CHECK(as_root.identity->gid == 1000);
  CHECK(as_root.identity->groups == std::vector<gid_t>{1000, 27});
  CHECK_FALSE(script_plan("/a.py", alice(), {}, "/p", "a", 7, 1000).identity);
}
