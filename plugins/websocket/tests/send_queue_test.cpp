#include <catch2/catch.hpp>

#include "send_queue.hpp"

using namespace notifyd::websocket;

namespace {
SendQueue::Frame frame(std::size_t bytes, char c = 'x') { return std::make_shared<const std::string>(bytes, c); }
}  // namespace

TEST_CASE("the send queue is first in, first out and counts frames and bytes", "[send_queue]") {
  SendQueue queue(4, 1000);
  CHECK(queue.empty());
  CHECK(queue.push(frame(10, 'a')));
  CHECK(queue.push(frame(20, 'b')));
  CHECK(queue.frames() == 2);
  CHECK(queue.bytes() == 30);
  CHECK(queue.front() == std::string(10, 'a'));
  queue.pop();
  CHECK(queue.front() == std::string(20, 'b'));
  queue.pop();
  CHECK(queue.empty());
  CHECK(queue.bytes() == 0);
}

TEST_CASE("the send queue refuses a frame beyond either bound and adds nothing", "[send_queue]") {
  SendQueue by_count(2, 1000);
  CHECK(by_count.push(frame(1)));
  CHECK(by_count.push(frame(1)));
  CHECK_FALSE(by_count.push(frame(1)));
  CHECK(by_count.frames() == 2);

  SendQueue by_bytes(100, 50);
  CHECK(by_bytes.push(frame(30)));
  CHECK_FALSE(by_bytes.push(frame(21)));
  CHECK(by_bytes.push(frame(20)));
  CHECK(by_bytes.bytes() == 50);
}

TEST_CASE("an empty send queue takes one frame of any size", "[send_queue]") {
  SendQueue queue(1, 10);
  CHECK(queue.push(frame(1000)));
  CHECK_FALSE(queue.push(frame(1)));
}

TEST_CASE("a shared frame is one string for every queue", "[send_queue]") {
  SendQueue a(10, 1000), b(10, 1000);
  const auto shared = frame(100);
  CHECK(a.push(shared));
  CHECK(b.push(shared));
  CHECK(&a.front() == &b.front());
  CHECK(shared.use_count() == 3);
  a.clear();
  CHECK(shared.use_count() == 2);
}

TEST_CASE("the send queue keeps its order across many pushes and pops", "[send_queue]") {
  SendQueue queue(64, 1 << 20);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < round % 7 + 1 && queue.frames() < 64; ++i) {
      REQUIRE(queue.push(std::make_shared<const std::string>(std::to_string(next_in++))));
    }
    for (int i = 0; i < round % 5 + 1 && !queue.empty(); ++i) {
      REQUIRE(queue.front() == std::to_string(next_out++));
      queue.pop();
    }
  }
  while (!queue.empty()) {
    REQUIRE(queue.front() == std::to_string(next_out++));
    queue.pop();
  }
  CHECK(next_in == next_out);
}
