#include <catch2/catch.hpp>

#include "send_text.hpp"

using namespace notifyctl;
using Code = notifyd::sdk::PublishOutcome::Code;

TEST_CASE("send prints the id, the recipient and the channels", "[send_text]") {
  CHECK(send_text({Code::accepted, 42, {"console", "bot"}, ""}, "alice") ==
        "queued notification 42 for alice via console, bot\n");
}

TEST_CASE("send leaves out what is unknown", "[send_text]") {
  CHECK(send_text({Code::accepted, 7, {}, ""}, "bob") == "queued notification 7 for bob\n");
  CHECK(send_text({Code::accepted, 0, {"console"}, ""}, "") == "queued notification via console\n");
}
