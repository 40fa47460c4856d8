#include <catch2/catch.hpp>

#include <algorithm>

#include "script_discovery.hpp"
#include "test_support.hpp"

using namespace notifyd::exec;
using namespace notifyd::exec::testing;
using namespace std::chrono_literals;

namespace {

ExecSettings settings_for(const std::filesystem::path& directory, std::vector<std::string> users) {
  auto settings = read_exec_settings(make_config({{"users", std::move(users)},
                                                  {"pattern", (directory / "*.py").string()},
                                                  {"schedule", std::string("*/5 * * * *")}}));
  REQUIRE(settings);
  return std::move(settings).value();
}

std::vector<std::string> names(const DiscoveryReport& report) {
  std::vector<std::string> result;
  for (const auto& script : report.scripts) result.push_back(script.definition.name);
  return result;
}

bool any_contains(const std::vector<std::string>& lines, std::string_view text) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("scripts matching the pattern become checks with their header", "[discovery]") {
  TempDir dir;
  write_file(dir / "revenue_drop.py", "#!/usr/bin/env python3\n# notifyd: schedule=\"0 9 * * 1-5\" timeout=2m\n");
  write_file(dir / "plain.py", "print('{\"notify\": false}')\n");
  write_file(dir / ".hidden.py", "");
  write_file(dir / "notes.txt", "");
  write_file(dir / "50%.py", "");
  const auto settings = settings_for(dir.path(), {current_user()});
  ScriptDiscovery discovery(settings);
  const auto report = discovery.scan();
  CHECK(report.users == 1);
  REQUIRE(names(report) == std::vector<std::string>{"plain", "revenue_drop"});

  const auto& plain = report.scripts[0];
  CHECK(plain.definition.user == current_user());
  CHECK(plain.definition.schedule == "*/5 * * * *");
  CHECK(plain.definition.timeout == 60s);
  CHECK(plain.definition.origin == (dir / "plain.py").string());
  CHECK(plain.path == dir / "plain.py");
  REQUIRE(plain.account);
  CHECK(plain.account->uid == ::geteuid());

  const auto& revenue = report.scripts[1];
  CHECK(revenue.definition.schedule == "0 9 * * 1-5");
  CHECK(revenue.definition.timeout == 120s);
  CHECK(any_contains(report.new_warnings, "50%.py: its name cannot be a check name"));
}

TEST_CASE("a problem is warned about once while it lasts, and again when it comes back", "[discovery]") {
  TempDir dir;
  write_file(dir / "check.py", "# notifyd: timeout=never\n");
  const auto settings = settings_for(dir.path(), {current_user(), "nd_no_such_user_x"});
  ScriptDiscovery discovery(settings);

  const auto first = discovery.scan();
  CHECK(any_contains(first.new_warnings, (dir / "check.py").string() + ":1: timeout must be seconds"));
  CHECK(any_contains(first.new_warnings, "user nd_no_such_user_x does not exist; skipping this user"));
  CHECK(first.scripts.size() == 1);
  CHECK(first.scripts[0].definition.timeout == 60s);

  CHECK(discovery.scan().new_warnings.empty());
  write_file(dir / "check.py", "# notifyd: timeout=5\n");
  const auto fixed = discovery.scan();
  CHECK(fixed.new_warnings.empty());
  CHECK(fixed.scripts[0].definition.timeout == 5s);
  write_file(dir / "check.py", "# notifyd: timeout=never\n");
  CHECK(discovery.scan().new_warnings.size() == 1);
}

TEST_CASE("an unsafe script is listed (its runs are refused) but its header is not read", "[discovery]") {
  TempDir dir;
  write_file(dir / "shared.py", "# notifyd: timeout=5\n", 0666);
  const auto settings = settings_for(dir.path(), {current_user()});
  ScriptDiscovery discovery(settings);
  const auto report = discovery.scan();
  REQUIRE(report.scripts.size() == 1);
  CHECK(report.scripts[0].definition.timeout == 60s);
}

TEST_CASE("a user without a script directory has no checks and no warning", "[discovery]") {
  TempDir dir;
  const auto settings = settings_for(dir / "missing", {current_user()});
  ScriptDiscovery discovery(settings);
  const auto report = discovery.scan();
  CHECK(report.scripts.empty());
  CHECK(report.new_warnings.empty());
}

TEST_CASE("group members include users whose primary group it is", "[discovery]") {
  const auto root_group = group_member_names("root");
  REQUIRE(root_group);
  CHECK(std::find(root_group->begin(), root_group->end(), "root") != root_group->end());
  CHECK(group_member_names("nd_no_such_group_x").error() == "group nd_no_such_group_x does not exist");
  CHECK(union_of_users({"b", "a"}, {"a", "c"}) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a missing users_group is a warning, not a crash", "[discovery]") {
  TempDir dir;
  auto settings = settings_for(dir.path(), {"nobody"});
  settings.users_group = "nd_no_such_group_x";
  settings.users.clear();
  ScriptDiscovery discovery(settings);
  const auto report = discovery.scan();
  CHECK(report.scripts.empty());
  CHECK(report.new_warnings == std::vector<std::string>{"users_group: group nd_no_such_group_x does not exist"});
}
