#include <catch2/catch.hpp>

#include "send_text.hpp"

using namespace notifyctl;

TEST_CASE("send prints the id, the recipient and the channels", "[send_text]") {
  CHECK(send_text(SendReceipt{42, "alice", {"console", "bot"}}, "bob") ==
        "queued notification 42 for alice via console, bot\n");
}

TEST_CASE("send falls back to the requested user and leaves out what is unknown", "[send_text]") {
  CHECK(send_text(SendReceipt{7, "", {}}, "bob") == "queued notification 7 for bob\n");
  CHECK(send_text(SendReceipt{std::nullopt, "", {"console"}}, "") == "queued notification via console\n");
}
