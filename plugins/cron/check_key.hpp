#pragma once

#include <compare>
#include <string>

namespace notifyd::cron {

/// Identifies a check: names are unique per user.
struct CheckKey {
  std::string user;
  std::string name;

  auto operator<=>(const CheckKey&) const = default;
  /// `user/name`, for log lines.
  std::string text() const { return user + "/" + name; }
};

}  // namespace notifyd::cron
