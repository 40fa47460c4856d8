#include <catch2/catch.hpp>

#include "script_pattern.hpp"

using namespace notifyd::exec;

TEST_CASE("the default pattern is a home-relative directory and a glob", "[pattern]") {
  auto pattern = parse_script_pattern("~/user/notifications/*.py");
  REQUIRE(pattern);
  CHECK(pattern->relative_to_home);
  CHECK(pattern->file_glob == "*.py");
  CHECK(script_directory(pattern.value(), "/home/alice") == "/home/alice/user/notifications");
  CHECK(script_directory(parse_script_pattern("~/*.py").value(), "/home/alice/") == "/home/alice/");
}

TEST_CASE("an absolute pattern is the same for everyone", "[pattern]") {
  auto pattern = parse_script_pattern("/srv/checks/*.py");
  REQUIRE(pattern);
  CHECK_FALSE(pattern->relative_to_home);
  CHECK(script_directory(pattern.value(), "/home/alice") == "/srv/checks");
  CHECK(script_directory(parse_script_pattern("/*.py").value(), "/home/bob") == "/");
}

TEST_CASE("bad patterns are refused with a reason", "[pattern]") {
  CHECK(parse_script_pattern("user/*.py").error().find("must start with ~/") != std::string::npos);
  CHECK(parse_script_pattern("~/*/notifications/*.py").error().find("only the file name") != std::string::npos);
  CHECK(parse_script_pattern("~/user/").error().find("names a directory") != std::string::npos);
  CHECK(parse_script_pattern("~/../etc/*.py").error().find("..") != std::string::npos);
  CHECK_FALSE(parse_script_pattern(std::string("~/a\n/*.py")));
  CHECK_FALSE(parse_script_pattern(""));
}

TEST_CASE("file names are matched by the glob; hidden files are not", "[pattern]") {
  const auto pattern = parse_script_pattern("~/n/*.py").value();
  CHECK(matches_file_name(pattern, "revenue_drop.py"));
  CHECK_FALSE(matches_file_name(pattern, "revenue_drop.pyc"));
  CHECK_FALSE(matches_file_name(pattern, ".hidden.py"));
  CHECK(matches_file_name(parse_script_pattern("~/n/check_?.py").value(), "check_a.py"));
}

TEST_CASE("a check's name is the file stem when it can travel in a URL", "[pattern]") {
  CHECK(check_name_of("revenue_drop.py") == "revenue_drop");
  CHECK(check_name_of("a.b.py") == "a.b");
  CHECK(check_name_of("no_extension") == "no_extension");
  CHECK(check_name_of("with space.py") == "with space");
  CHECK(check_name_of("caf\xC3\xA9.py") == "caf\xC3\xA9");
  CHECK_FALSE(check_name_of(".py"));
  CHECK_FALSE(check_name_of("bad\x01.py"));
  CHECK_FALSE(check_name_of("50%.py"));
  CHECK_FALSE(check_name_of("bad\xFF.py"));
  CHECK_FALSE(check_name_of(std::string(200, 'a') + ".py"));
}
