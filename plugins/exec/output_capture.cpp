#include "output_capture.hpp"

#include <algorithm>

namespace notifyd::exec {

void OutputHead::append(std::string_view bytes) {
  const std::size_t room = limit_ - std::min(limit_, text_.size());
  const std::size_t kept = std::min(room, bytes.size());
  text_.append(bytes.substr(0, kept));
  dropped_ += bytes.size() - kept;
}

void OutputTail::append(std::string_view bytes) {
  if (limit_ == 0) {
    dropped_ += bytes.size();
    return;
  }
  if (bytes.size() >= limit_) {
    dropped_ += text_.size() + bytes.size() - limit_;
    text_.assign(bytes.substr(bytes.size() - limit_));
    return;
  }
  text_.append(bytes);
  // Trimmed in batches, so appending stays amortised O(1) per byte.
  if (text_.size() > 2 * limit_) {
    const std::size_t excess = text_.size() - limit_;
    dropped_ += excess;
    text_.erase(0, excess);
  }
}

std::string OutputTail::take() {
  if (text_.size() > limit_) {
    const std::size_t excess = text_.size() - limit_;
    dropped_ += excess;
    text_.erase(0, excess);
  }
  if (dropped_ > 0) {
    const auto newline = text_.find('\n');
    if (newline != std::string::npos && newline < text_.size() / 4) text_.erase(0, newline + 1);
  }
  return std::move(text_);
}

}  // namespace notifyd::exec
