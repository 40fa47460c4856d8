#include "poll_status.hpp"

namespace notifyd::telegram {

void PollStatus::failing(std::string problem, bool unreachable) {
  std::lock_guard lock(mutex_);
  problem_ = std::move(problem);
  unreachable_ = unreachable;
}

void PollStatus::working() {
  std::lock_guard lock(mutex_);
  problem_.clear();
  unreachable_ = false;
}

void PollStatus::reached() {
  std::lock_guard lock(mutex_);
  if (unreachable_) problem_.clear();
  unreachable_ = false;
}

std::string PollStatus::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

}  // namespace notifyd::telegram
