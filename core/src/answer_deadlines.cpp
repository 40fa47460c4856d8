#include "answer_deadlines.hpp"

#include <vector>

#include <boost/asio/post.hpp>

#include "notifyd/sdk/duration.hpp"

namespace notifyd::core {

AnswerDeadlines::AnswerDeadlines(boost::asio::any_io_executor executor, std::chrono::milliseconds limit,
                                 StoredLate stored_late)
    : timer_(std::move(executor)), limit_(limit), stored_late_(std::move(stored_late)) {}

AnswerDeadlines::Done AnswerDeadlines::watch(Done done) {
  auto waiting = std::make_shared<Waiting>(Waiting{Clock::now() + limit_, std::move(done)});
  bool start_timer = false;
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back(waiting);
    start_timer = !armed_ && !stopped_;
    armed_ = armed_ || start_timer;
  }
  if (start_timer) boost::asio::post(timer_.get_executor(), [this] { arm(); });
  return [this, waiting](sdk::PublishOutcome outcome) {
    Done done;
    {
      std::lock_guard lock(mutex_);
      done = std::move(waiting->done);
      waiting->done = nullptr;
      while (!waiting_.empty() && !waiting_.front()->done) waiting_.pop_front();
    }
    if (done) {
      done(std::move(outcome));
    } else if (outcome.code == sdk::PublishOutcome::Code::accepted && stored_late_) {
      stored_late_(outcome.id);
    }
  };
}

void AnswerDeadlines::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  boost::asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
}

void AnswerDeadlines::arm() {
  Clock::time_point next;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || waiting_.empty()) {
      armed_ = false;
      return;
    }
    next = waiting_.front()->deadline;
  }
  timer_.expires_at(next);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    expire();
    arm();
  });
}

void AnswerDeadlines::expire() {
  std::vector<Done> late;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    while (!waiting_.empty() && (!waiting_.front()->done || waiting_.front()->deadline <= now)) {
      if (waiting_.front()->done) late.push_back(std::move(waiting_.front()->done));
      waiting_.front()->done = nullptr;
      waiting_.pop_front();
    }
  }
  for (auto& done : late) {
    done({sdk::PublishOutcome::Code::unavailable, 0, {},
          "the notification store did not answer within " + sdk::format_duration(limit_) + "; try again"});
  }
}

}  // namespace notifyd::core
