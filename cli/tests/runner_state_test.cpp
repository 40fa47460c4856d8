#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "runner_state.hpp"

using namespace notifyctl;
using namespace std::chrono_literals;

TEST_CASE("the cooldown runs from the last send", "[runner_state]") {
  CHECK(cooldown_left(std::nullopt, 1h, 1000) == 0);
  CHECK(cooldown_left(1000, 1h, 1000 + 600) == 3000);
  CHECK(cooldown_left(1000, 1h, 1000 + 3600) == 0);
}

TEST_CASE("the state file is written atomically and read back", "[runner_state]") {
  char pattern[] = "/tmp/nd-cli-state-XXXXXX";
  REQUIRE(::mkdtemp(pattern));
  const std::filesystem::path dir = pattern;
  const auto path = dir / "state" / "disk.json";
  CHECK_FALSE(read_last_sent(path));
  CHECK(write_last_sent(path, 1234).empty());
  CHECK(read_last_sent(path) == 1234);
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(text == "{\"last_sent\": 1234}\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "state"), std::filesystem::directory_iterator()) == 1);
  std::filesystem::remove_all(dir);
}
