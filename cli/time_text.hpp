#pragma once

#include <cstdint>
#include <string>

namespace notifyctl {

/// How long before `now_ms` `then_ms` was: "just now", "42s ago", "5m ago", "3h ago", "2d ago".
std::string time_ago(std::int64_t then_ms, std::int64_t now_ms);

/// How long after `now_ms` `at_ms` is: "in 42s", "in 5m", "in 3h", "in 2d"; "due" once past.
std::string time_until(std::int64_t at_ms, std::int64_t now_ms);

/// A run's duration: "340 ms", "1.2 s", "2m05s".
std::string duration_text(std::int64_t milliseconds);

}  // namespace notifyctl
