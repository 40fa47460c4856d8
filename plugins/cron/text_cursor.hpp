#pragma once
// A read position in a short text, for the hand-written parsers of instants
// and zone rules (ISO 8601 times, POSIX TZ rules).

#include <cctype>
#include <cstddef>
#include <optional>
#include <string_view>

namespace notifyd::cron {

class TextCursor {
 public:
  explicit TextCursor(std::string_view text) : text_(text) {}

  bool done() const { return position_ == text_.size(); }
  /// The next character, '\0' at the end.
  char peek() const { return done() ? '\0' : text_[position_]; }
  void advance() { ++position_; }
  std::size_t position() const { return position_; }

  /// Steps over `c` when it is next.
  bool consume(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }

  /// Exactly `count` digits as a number; nothing consumed otherwise.
  std::optional<int> digits(std::size_t count) {
    if (text_.size() - position_ < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[position_ + i];
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    position_ += count;
    return value;
  }

  /// One to `max_digits` digits whose value is at most `max_value`.
  std::optional<int> number(int max_digits, int max_value) {
    int value = 0;
    int count = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (++count > max_digits) return std::nullopt;
      value = value * 10 + (text_[position_++] - '0');
    }
    if (count == 0 || value > max_value) return std::nullopt;
    return value;
  }

  void skip_digits() {
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++position_;
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace notifyd::cron
