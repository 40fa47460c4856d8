#pragma once
// What a plugin's configure() finds wrong with its table, every problem at
// once, each naming the key it is about.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::sdk {

/// Collects the problems `configure()` finds, so one `notifyd --check-config`
/// run reports all of them, each at its key's `file:line:col`.
///
/// The returned Status carries one line per problem, `key: message`; the
/// host points each line whose first word is one of the plugin's keys (a
/// secret's `_env`/`_file` form included) at that key's place in the file,
/// and any other line at the plugin's table. A plain `Status::failure("key:
/// message")` is located the same way.
class ConfigProblems {
 public:
  /// Records that `key` is wrong; `message` says why and what would be right.
  void add(std::string_view key, std::string_view message) {
    lines_.push_back(std::string(key) + ": " + std::string(message));
  }
  /// Records a problem that is about the table as a whole (keys that clash).
  void add_general(std::string message) { lines_.push_back(std::move(message)); }
  /// Records every line of a failed `status` (a helper's own problems); ignores success.
  void add_status(const Status& status) {
    if (status) return;
    std::string_view rest = status.message;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      if (end != 0) lines_.emplace_back(rest.substr(0, end));
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  /// True when nothing was recorded.
  bool empty() const noexcept { return lines_.empty(); }
  /// Success when nothing was recorded, else a failure with one line per problem.
  Status status() const {
    if (lines_.empty()) return Status::success();
    std::string message;
    for (const auto& line : lines_) {
      if (!message.empty()) message += '\n';
      message += line;
    }
    return Status::failure(std::move(message));
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace notifyd::sdk
