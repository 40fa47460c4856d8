// The sender against a slow Bot API on a loopback socket: what a stop does
// to the messages in flight, and what `may_send` keeps from going out.

#include <catch2/catch.hpp>

#include <future>

#include "local_bot_api.hpp"
#include "message_sender.hpp"
#include "notifyd/testing/fake_logger.hpp"
#include "notifyd/testing/fake_metrics.hpp"

using namespace notifyd;
using namespace notifyd::telegram;
using namespace std::chrono_literals;
using notifyd::telegram::testing::LocalServer;

namespace {

const std::string token = "123456:SECRET-token_value";

std::vector<OutgoingMessage> text_to(std::int64_t chat, std::string text) {
  OutgoingMessage message;
  message.chat_id = chat;
  message.body = {std::move(text), sdk::TextFormat::plain, 0};
  return {message};
}

/// A sender with one worker in front of `server`, and the reports of its jobs.
struct Sending {
  explicit Sending(LocalServer& server, std::function<bool()> may_send = {})
      : sender({server.url(), token, 5s}, RateLimits{}, 1, log, metrics, "bot", status, std::move(may_send)) {
    server.reply = R"({"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":5}}})";
    sender.start();
  }
  std::future<SendReport> send(std::int64_t chat, std::string text) {
    auto report = std::make_shared<std::promise<SendReport>>();
    auto future = report->get_future();
    sender.send(text_to(chat, std::move(text)), [report](SendReport r) { report->set_value(std::move(r)); });
    return future;
  }

  notifyd::testing::FakeLogger log;
  notifyd::testing::FakeMetrics metrics;
  PollStatus status;
  MessageSender sender;
};

bool eventually(const std::function<bool()>& condition) {
  const auto end = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("finish_then_stop lets the message in flight be answered and starts no other", "[message_sender]") {
  LocalServer server;
  server.delay = 400ms;
  Sending sending(server);
  auto in_flight = sending.send(5, "first");
  auto queued = sending.send(5, "second");
  REQUIRE(eventually([&] { return server.requests().size() == 1; }));
  sending.sender.finish_then_stop(5s);
  const auto first = in_flight.get();
  CHECK(first.verdict.kind == SendVerdict::Kind::sent);
  CHECK(first.sent == 1);
  const auto second = queued.get();
  CHECK(second.verdict.kind == SendVerdict::Kind::retry);
  CHECK(second.verdict.error == "the daemon is stopping");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("stop cuts the message in flight short: it is reported unsent", "[message_sender]") {
  LocalServer server;
  server.delay = 400ms;
  Sending sending(server);
  auto in_flight = sending.send(5, "first");
  REQUIRE(eventually([&] { return server.requests().size() == 1; }));
  sending.sender.stop();
  const auto first = in_flight.get();
  CHECK(first.verdict.kind == SendVerdict::Kind::retry);
  CHECK(first.sent == 0);
}

TEST_CASE("finish_then_stop gives up on an answer that takes longer than its grace", "[message_sender]") {
  LocalServer server;
  server.delay = 10s;
  Sending sending(server);
  auto in_flight = sending.send(5, "first");
  REQUIRE(eventually([&] { return server.requests().size() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  sending.sender.finish_then_stop(300ms);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(in_flight.get().verdict.kind == SendVerdict::Kind::retry);
}

TEST_CASE("nothing goes out once may_send says no: the job is reported with lease_ran_out", "[message_sender]") {
  LocalServer server;
  std::atomic<bool> leads{true};
  Sending sending(server, [&leads] { return leads.load(); });
  CHECK(sending.send(5, "while leading").get().verdict.kind == SendVerdict::Kind::sent);
  leads = false;
  const auto refused = sending.send(5, "after the lease ran out").get();
  CHECK(refused.verdict.kind == SendVerdict::Kind::retry);
  CHECK(refused.lease_ran_out);
  CHECK(refused.sent == 0);
  CHECK(server.requests().size() == 1);
}
