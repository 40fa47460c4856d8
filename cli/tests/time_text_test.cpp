#include <catch2/catch.hpp>

#include "time_text.hpp"

using namespace notifyctl;

TEST_CASE("times are shown relative to now", "[time_text]") {
  const std::int64_t now = 1'000'000'000;
  CHECK(time_ago(now, now) == "just now");
  CHECK(time_ago(now - 42'000, now) == "42s ago");
  CHECK(time_ago(now - 5 * 60'000 - 1, now) == "5m ago");
  CHECK(time_ago(now - 3 * 3'600'000, now) == "3h ago");
  CHECK(time_ago(now - 2 * 86'400'000, now) == "2d ago");
  CHECK(time_until(now + 500, now) == "in 1s");
  CHECK(time_until(now + 4 * 60'000, now) == "in 4m");
  CHECK(time_until(now - 1, now) == "due");
}

TEST_CASE("durations are short", "[time_text]") {
  CHECK(duration_text(340) == "340 ms");
  CHECK(duration_text(1234) == "1.2 s");
  CHECK(duration_text(125'000) == "2m05s");
}
