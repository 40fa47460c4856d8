#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "local_scripts.hpp"

using namespace notifyctl;

TEST_CASE("the caller's scripts are ~/user/notifications/*.py, sorted", "[local_scripts]") {
  char pattern[] = "/tmp/nd-cli-home-XXXXXX";
  REQUIRE(::mkdtemp(pattern));
  const std::filesystem::path home = pattern;
  CHECK(find_local_scripts(home).empty());
  const auto dir = home / "user" / "notifications";
  std::filesystem::create_directories(dir);
  for (const char* name : {"b.py", "a.py", ".hidden.py", "notes.txt", "c.pyc"}) std::ofstream(dir / name) << "";
  CHECK(find_local_scripts(home) == std::vector<std::filesystem::path>{dir / "a.py", dir / "b.py"});

  CHECK(local_interpreter(home) == "/usr/bin/python3");
  std::filesystem::create_directories(home / ".venv" / "bin");
  std::ofstream(home / ".venv" / "bin" / "python") << "#!/bin/sh\n";
  CHECK(local_interpreter(home) == "/usr/bin/python3");
  ::chmod((home / ".venv" / "bin" / "python").c_str(), 0755);
  CHECK(local_interpreter(home) == (home / ".venv" / "bin" / "python").string());
  std::filesystem::remove_all(home);
}
