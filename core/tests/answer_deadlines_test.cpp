#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "answer_deadlines.hpp"

using namespace notifyd;
using namespace std::chrono_literals;
using Code = sdk::PublishOutcome::Code;

namespace {

// Runs `io` until `done()` holds, at most 10 s.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

// Runs `io` for `span` (timers due meanwhile fire).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds span) {
  io.restart();
  boost::asio::steady_timer wait(io, span);
  wait.async_wait([](boost::system::error_code) {});
  io.run_for(span + 50ms);
}

}  // namespace

TEST_CASE("answer deadlines: a store that does not answer in time is answered unavailable, once") {
  boost::asio::io_context io;
  std::vector<std::uint64_t> stored_late;
  core::AnswerDeadlines deadlines(io.get_executor(), 100ms, [&](std::uint64_t id) { stored_late.push_back(id); });
  std::vector<sdk::PublishOutcome> answers;
  auto store_answer = deadlines.watch([&](sdk::PublishOutcome outcome) { answers.push_back(std::move(outcome)); });

  REQUIRE(run_until(io, [&] { return answers.size() == 1; }));
  CHECK(answers[0].code == Code::unavailable);
  CHECK(answers[0].message == "the notification store did not answer within 100ms; try again");

  // The store commits after all: the caller is not answered twice, the late id is reported.
  boost::asio::post(io, [&] { store_answer({Code::accepted, 7, {"bot"}, {}}); });
  REQUIRE(run_until(io, [&] { return stored_late.size() == 1; }));
  CHECK(stored_late == std::vector<std::uint64_t>{7});
  CHECK(answers.size() == 1);
}

TEST_CASE("answer deadlines: the store's answer in time is the only answer") {
  boost::asio::io_context io;
  bool late = false;
  core::AnswerDeadlines deadlines(io.get_executor(), 1s, [&](std::uint64_t) { late = true; });
  std::vector<sdk::PublishOutcome> answers;
  auto store_answer = deadlines.watch([&](sdk::PublishOutcome outcome) { answers.push_back(std::move(outcome)); });
  boost::asio::post(io, [&] { store_answer({Code::accepted, 3, {"bot"}, {}}); });
  REQUIRE(run_until(io, [&] { return answers.size() == 1; }));
  run_for(io, 1500ms);
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].code == Code::accepted);
  CHECK(answers[0].id == 3);
  CHECK_FALSE(late);
}

TEST_CASE("answer deadlines: only the callers whose store answer is missing time out") {
  boost::asio::io_context io;
  core::AnswerDeadlines deadlines(io.get_executor(), 1s);
  std::vector<std::optional<sdk::PublishOutcome>> answers(4);
  std::vector<core::AnswerDeadlines::Done> store_answers;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    store_answers.push_back(deadlines.watch([&, i](sdk::PublishOutcome outcome) { answers[i] = std::move(outcome); }));
  }
  // The first and the third are answered by the store; the others never are.
  boost::asio::post(io, [&] {
    store_answers[0]({Code::accepted, 1, {}, {}});
    store_answers[2]({Code::invalid, 0, {}, "refused"});
  });
  REQUIRE(run_until(io, [&] { return answers[1] && answers[3]; }));
  CHECK(answers[0]->code == Code::accepted);
  CHECK(answers[1]->code == Code::unavailable);
  CHECK(answers[2]->code == Code::invalid);
  CHECK(answers[3]->code == Code::unavailable);

  // A caller that comes after the others timed out gets its own full limit.
  std::optional<sdk::PublishOutcome> later;
  auto later_answer = deadlines.watch([&](sdk::PublishOutcome outcome) { later = std::move(outcome); });
  boost::asio::post(io, [&] { later_answer({Code::accepted, 9, {}, {}}); });
  REQUIRE(run_until(io, [&] { return later.has_value(); }));
  CHECK(later->code == Code::accepted);
}
