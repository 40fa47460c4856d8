#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "notifyd/sdk/logger.hpp"

namespace notifyd::testing {

/// A logger that keeps every line written, at every level. Thread-safe.
class FakeLogger : public sdk::Logger {
 public:
  void write(sdk::LogLevel, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }
  bool enabled(sdk::LogLevel) const noexcept override { return true; }

  /// The lines written so far.
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  /// How many lines contain `text`.
  int count(std::string_view text) const {
    int n = 0;
    for (const auto& line : lines()) n += line.find(text) != std::string::npos ? 1 : 0;
    return n;
  }
  /// True when some line contains `text`.
  bool contains(std::string_view text) const { return count(text) > 0; }
  /// Every line, each ended by a newline (for a failing test's INFO).
  std::string all() const {
    std::string out;
    for (const auto& line : lines()) out += line + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace notifyd::testing
