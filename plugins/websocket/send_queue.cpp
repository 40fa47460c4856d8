#include "send_queue.hpp"

namespace notifyd::websocket {

bool SendQueue::push(Frame frame) {
  if (!frame) return true;
  if (!empty() && (frames() >= max_frames_ || frame->size() > max_bytes_ - bytes_)) return false;
  bytes_ += frame->size();
  items_.push_back(std::move(frame));
  return true;
}

void SendQueue::pop() noexcept {
  if (empty()) return;
  bytes_ -= items_[head_]->size();
  items_[head_].reset();
  ++head_;
  if (head_ == items_.size()) {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > 16) items_.shrink_to_fit();
  } else if (head_ >= 32 && head_ * 2 >= items_.size()) {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void SendQueue::clear() noexcept {
  std::vector<Frame>().swap(items_);
  head_ = 0;
  bytes_ = 0;
}

}  // namespace notifyd::websocket
