#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace notifyd::core {

/// Looks users and groups up in the system databases (passwd, group).
class UserDirectory {
 public:
  explicit UserDirectory(std::string admin_group) : admin_group_(std::move(admin_group)) {}
  /// The user name of `uid`, or nullopt.
  static std::optional<std::string> name_of(uid_t uid);
  /// The uid of `user`, or nullopt.
  static std::optional<uid_t> uid_of(std::string_view user);
  /// True when `user` is root or belongs (primary or supplementary) to the admin group.
  bool is_admin(std::string_view user) const noexcept;
  /// True when the group exists.
  static bool group_exists(std::string_view group);

 private:
  std::string admin_group_;
};

}  // namespace notifyd::core
