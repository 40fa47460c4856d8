#pragma once
// Bounded buffers for a child's output: the head of stdout, the tail of stderr.

#include <cstddef>
#include <string>
#include <string_view>

namespace notifyd::exec {

/// Keeps the first `limit` bytes written; counts and drops the rest.
class OutputHead {
 public:
  explicit OutputHead(std::size_t limit) : limit_(limit) {}
  /// Appends what fits; remembers that something was dropped.
  void append(std::string_view bytes);
  /// True when bytes beyond the limit were dropped.
  bool truncated() const { return dropped_ > 0; }
  /// Bytes dropped.
  std::size_t dropped() const { return dropped_; }
  /// What was kept; the buffer is left empty.
  std::string take() { return std::move(text_); }

 private:
  std::size_t limit_;
  std::size_t dropped_ = 0;
  std::string text_;
};

/// Keeps the last `limit` bytes written.
class OutputTail {
 public:
  explicit OutputTail(std::size_t limit) : limit_(limit) {}
  /// Appends, forgetting the oldest bytes beyond the limit.
  void append(std::string_view bytes);
  /// Bytes forgotten.
  std::size_t dropped() const { return dropped_; }
  /// The last `limit` bytes, starting at a line when one starts in the
  /// first quarter (so the tail does not open mid-line); the buffer is left empty.
  std::string take();

 private:
  std::size_t limit_;
  std::size_t dropped_ = 0;
  std::string text_;
};

}  // namespace notifyd::exec
