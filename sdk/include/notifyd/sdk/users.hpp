#pragma once
// The system's users as the daemon sees them (the passwd and group databases,
// through NSS), handed to plugins by `Host::users()`.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace notifyd::sdk {

/// Looks users up in the system's user database. Safe from any thread; every
/// call may block briefly on NSS (a local file on the seed system).
class Users {
 public:
  virtual ~Users() = default;
  /// The name of `uid`, nullopt when the user database has no such uid.
  virtual std::optional<std::string> name_of(uid_t uid) const = 0;
  /// The uid of the user called `user`, nullopt when there is none.
  virtual std::optional<uid_t> uid_of(std::string_view user) const = 0;
  /// True when `user` is root or belongs (primary or supplementary group) to
  /// the configured admin group; false for unknown users.
  virtual bool is_admin(std::string_view user) const noexcept = 0;
};

}  // namespace notifyd::sdk
