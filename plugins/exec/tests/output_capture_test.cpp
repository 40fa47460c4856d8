#include <catch2/catch.hpp>

#include "output_capture.hpp"

using namespace notifyd::exec;

TEST_CASE("the head keeps the first bytes and counts the rest", "[output]") {
  OutputHead head(10);
  head.append("0123456");
  CHECK_FALSE(head.truncated());
  head.append("789abc");
  head.append("defg");
  CHECK(head.truncated());
  CHECK(head.dropped() == 7);
  CHECK(head.take() == "0123456789");
}

TEST_CASE("the tail keeps the last bytes", "[output]") {
  OutputTail tail(8);
  for (int i = 0; i < 100; ++i) tail.append("ab");
  tail.append("XYZ");
  CHECK(tail.take() == "babab" "XYZ");
  OutputTail big(4);
  big.append("0123456789");
  CHECK(big.take() == "6789");
  CHECK(big.dropped() == 6);
}

TEST_CASE("a cut tail starts at a line when one starts early", "[output]") {
  OutputTail tail(20);
  tail.append("aaaaaaaaaa\nb\nsecond\nthird\n");
  CHECK(tail.take() == "b\nsecond\nthird\n");
  OutputTail whole(100);
  whole.append("a\nb\n");
  CHECK(whole.take() == "a\nb\n");
}

TEST_CASE("a zero-sized tail keeps nothing", "[output]") {
  OutputTail tail(0);
  tail.append("lost");
  CHECK(tail.take().empty());
  CHECK(tail.dropped() == 4);
}
