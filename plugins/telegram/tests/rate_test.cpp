#include <catch2/catch.hpp>

#include "rate.hpp"

using notifyd::telegram::parse_rate;

TEST_CASE("rates read as messages per second", "[rate]") {
  CHECK(parse_rate("1/s").value() == Approx(1.0));
  CHECK(parse_rate("30/s").value() == Approx(30.0));
  CHECK(parse_rate("20/min").value() == Approx(20.0 / 60));
  CHECK(parse_rate("0.5/sec").value() == Approx(0.5));
  CHECK(parse_rate("3600/h").value() == Approx(1.0));
  CHECK(parse_rate("6/m").value() == Approx(0.1));
}

TEST_CASE("anything else is refused with a hint", "[rate]") {
  for (const char* text : {"", "30", "/s", "0/s", "-1/s", "x/s", "1/d", "1/", "inf/s", "1e9/s", "1 /s"}) {
    const auto rate = parse_rate(text);
    CHECK_FALSE(rate.ok());
  }
  CHECK(parse_rate("30").error().find("<count>/s") != std::string::npos);
}
