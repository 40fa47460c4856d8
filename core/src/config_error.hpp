#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace notifyd::core {

/// One mistake in the config file, reported as `file:line:col: message`.
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  std::string to_string() const {
    if (line <= 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  }
};

/// Every mistake found; validation never stops at the first.
using ConfigErrors = std::vector<ConfigError>;

/// Orders mistakes as they appear in the file, so people read them top to bottom.
inline void sort_by_position(ConfigErrors& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

}  // namespace notifyd::core
