#include <catch2/catch.hpp>

#include "script_header.hpp"

using namespace notifyd::exec;
using namespace std::chrono_literals;

TEST_CASE("a header sets the schedule and the timeout", "[header]") {
  const auto header = parse_script_header(
      "#!/usr/bin/env python3\n"
      "# notifyd: schedule=\"0 9 * * 1-5\" timeout=120\n"
      "import json\n");
  CHECK(header.schedule == "0 9 * * 1-5");
  CHECK(header.timeout == 120s);
  CHECK(header.warnings.empty());
}

TEST_CASE("timeout accepts seconds or a duration", "[header]") {
  CHECK(parse_script_header("# notifyd: timeout=2m\n").timeout == 2min);
  CHECK(parse_script_header("# notifyd: timeout=90s\n").timeout == 90s);
  CHECK(parse_script_header("#notifyd: timeout=1h30m").timeout == 90min);
  CHECK(parse_script_header("   #   notifyd:   timeout=5\r\n").timeout == 5s);
}

TEST_CASE("a bare schedule word and escaped quotes are read", "[header]") {
  CHECK(parse_script_header("# notifyd: schedule=@hourly\n").schedule == "@hourly");
  CHECK(parse_script_header(R"(# notifyd: schedule="a \"b\" \\c")").schedule == R"(a "b" \c)");
}

TEST_CASE("malformed keys are ignored with a warning naming the line", "[header]") {
  const auto header = parse_script_header(
      "#!/usr/bin/python3\n"
      "# notifyd: timeout=soon schedule=\"*/5 * * * *\"\n"
      "# notifyd: colour=blue\n"
      "# notifyd: schedule=\"unterminated\n"
      "# notifyd: justaword\n"
      "# notifyd: timeout=0\n"
      "# notifyd:\n");
  CHECK(header.schedule == "*/5 * * * *");
  CHECK_FALSE(header.timeout);
  REQUIRE(header.warnings.size() == 6);
  CHECK(header.warnings[0].line == 2);
  CHECK(header.warnings[0].message.find("timeout must be seconds") != std::string::npos);
  CHECK(header.warnings[1].line == 3);
  CHECK(header.warnings[1].message == "unknown key \"colour\" (known: schedule, timeout)");
  CHECK(header.warnings[2].line == 4);
  CHECK(header.warnings[2].message.find("closing quote") != std::string::npos);
  CHECK(header.warnings[3].line == 5);
  CHECK(header.warnings[4].line == 6);
  CHECK(header.warnings[5].line == 7);
}

TEST_CASE("a schedule must be printable and not empty", "[header]") {
  CHECK_FALSE(parse_script_header("# notifyd: schedule=\"\"\n").schedule);
  CHECK_FALSE(parse_script_header("# notifyd: schedule=\"a\tb\"\n").schedule);
  CHECK_FALSE(parse_script_header("# notifyd: schedule=\"" + std::string(300, '*') + "\"\n").schedule);
}

TEST_CASE("only the first 20 lines count, and other comments are not headers", "[header]") {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "# line\n";
  text += "# notifyd: timeout=5\n";
  CHECK_FALSE(parse_script_header(text).timeout);
  CHECK_FALSE(parse_script_header("x = 1  # notifyd: timeout=5\n").timeout);
  CHECK_FALSE(parse_script_header("# notifyd timeout=5\n").timeout);
  CHECK(parse_script_header("").warnings.empty());
}

TEST_CASE("a later header line overrides an earlier one", "[header]") {
  CHECK(parse_script_header("# notifyd: timeout=5\n# notifyd: timeout=7\n").timeout == 7s);
}

TEST_CASE("binary garbage does not break the parser", "[header]") {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) & 0xFF);
  const auto header = parse_script_header("# notifyd: " + garbage);
  CHECK(header.warnings.size() >= 1);
}
