#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "notifyd/sdk/callback_scope.hpp"

using namespace std::chrono_literals;
using notifyd::sdk::CallbackScope;

TEST_CASE("a wrapped callback runs on the scope's executor while the scope is open") {
  boost::asio::io_context io;
  CallbackScope scope(io.get_executor());
  int got = 0;
  std::thread::id ran_on;
  auto callback = scope.wrap([&](int value) {
    got = value;
    ran_on = std::this_thread::get_id();
  });
  std::thread caller([&] { callback(7); });
  caller.join();
  CHECK(got == 0);  // posted, not run by the caller
  io.run();
  CHECK(got == 7);
  CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("after close a wrapped callback is dropped, also one already posted") {
  boost::asio::io_context io;
  CallbackScope scope(io.get_executor());
  int calls = 0;
  auto callback = scope.wrap([&] { ++calls; });
  callback();  // posted while open
  scope.close();
  callback();  // dropped at once
  io.run();
  CHECK(calls == 0);
  CHECK_FALSE(scope.is_open());
}

TEST_CASE("close waits for a callback running on another thread, and a callback may close its own scope") {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  CallbackScope scope(boost::asio::make_strand(io));
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  scope.wrap([&] {
    started = true;
    std::this_thread::sleep_for(50ms);
    finished = true;
  })();
  while (!started) std::this_thread::yield();
  scope.close();
  CHECK(finished);

  CallbackScope second(io.get_executor());
  std::atomic<bool> closed_inside{false};
  second.wrap([&] {
    second.close();
    closed_inside = true;
  })();
  while (!closed_inside) std::this_thread::yield();
  CHECK_FALSE(second.is_open());
  work.reset();
  runner.join();
}

TEST_CASE("a wrapped callback may outlive the io_context and the scope") {
  std::function<void()> survivor;
  {
    boost::asio::io_context io;
    {
      CallbackScope scope(boost::asio::make_strand(io));
      survivor = scope.wrap([] { FAIL("must not run"); });
      survivor();  // queued, never run: destroyed with the io_context
    }
  }
  survivor();  // the scope is closed: dropped, touches no executor
  survivor = nullptr;
}
