#pragma once
// What a user name is: the one rule every plugin, the pipeline and notifyctl
// apply to names that come from outside (request bodies, tokens, headers,
// files).

#include <cstddef>
#include <string_view>

namespace notifyd::sdk {

/// The longest user name: Debian's useradd refuses longer ones (the size of
/// utmp's `ut_user`).
inline constexpr std::size_t max_user_name_length = 32;

/// True when `name` is a name Debian 12's `useradd` (and so `adduser`, which
/// is stricter) accepts for an account: 1 to 32 bytes of ASCII letters,
/// digits, `_`, `.` and `-`, not starting with `-`, optionally ending in `$`
/// (Samba machine accounts), and neither `.` nor `..`. Everything else is
/// refused, including `@`, `:`, `/`, white space, control bytes and non-ASCII.
bool is_valid_user_name(std::string_view name) noexcept;

}  // namespace notifyd::sdk
