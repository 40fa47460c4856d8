#include "poll_status.hpp"

namespace notifyd::telegram {

void PollStatus::failing(std::string problem) {
  std::lock_guard lock(mutex_);
  problem_ = std::move(problem);
}

void PollStatus::working() {
  std::lock_guard lock(mutex_);
  problem_.clear();
}

std::string PollStatus::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

}  // namespace notifyd::telegram
