#pragma once
// User names as the dashboard accepts them.

#include <string>
#include <string_view>

namespace notifyd::webui {

/// The name of the user the daemon runs as (getpwuid_r of the effective uid),
/// or `uid:<n>` when that uid has no name.
std::string daemon_user_name();

/// True when `name` can be a Unix user name: 1 to 32 characters of letters,
/// digits, `.`, `_` and `-`, not starting with `-` or `.` (POSIX portable names).
bool is_valid_user_name(std::string_view name) noexcept;

}  // namespace notifyd::webui
