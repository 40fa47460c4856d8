#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace notifyd::websocket {

/// The frames waiting to be written on one connection, bounded in count and
/// in bytes. Frames are shared: one notification sent to several connections
/// of a user is one string. An empty queue holds no heap memory. Not
/// thread-safe: used on its connection's strand.
class SendQueue {
 public:
  using Frame = std::shared_ptr<const std::string>;

  SendQueue(std::size_t max_frames, std::size_t max_bytes) noexcept : max_frames_(max_frames), max_bytes_(max_bytes) {}

  /// Appends `frame`; false (and nothing added) when it would exceed either
  /// bound. An empty queue accepts any one frame, however large.
  bool push(Frame frame);
  /// True when nothing waits.
  bool empty() const noexcept { return head_ == items_.size(); }
  /// The oldest frame; only when not empty. Stays valid until `pop`.
  const std::string& front() const noexcept { return *items_[head_]; }
  /// Drops the oldest frame.
  void pop() noexcept;
  /// Drops everything and releases the memory.
  void clear() noexcept;
  /// Frames waiting.
  std::size_t frames() const noexcept { return items_.size() - head_; }
  /// Bytes waiting.
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::size_t max_frames_;
  std::size_t max_bytes_;
  std::vector<Frame> items_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace notifyd::websocket
