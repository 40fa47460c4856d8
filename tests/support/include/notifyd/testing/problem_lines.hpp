#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace notifyd::testing {

/// The lines of a `configure()` refusal built by `sdk::ConfigProblems`, one problem each.
inline std::vector<std::string> problem_lines(std::string_view message) {
  std::vector<std::string> lines;
  while (!message.empty()) {
    const auto end = message.find('\n');
    lines.emplace_back(message.substr(0, end));
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace notifyd::testing
