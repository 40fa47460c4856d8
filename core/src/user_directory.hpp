#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "notifyd/sdk/users.hpp"

namespace notifyd::core {

/// Looks users and groups up in the system databases (passwd, group); what
/// `Host::users()` hands every plugin.
class UserDirectory final : public sdk::Users {
 public:
  explicit UserDirectory(std::string admin_group) : admin_group_(std::move(admin_group)) {}
  std::optional<std::string> name_of(uid_t uid) const override;
  std::optional<uid_t> uid_of(std::string_view user) const override;
  bool is_admin(std::string_view user) const noexcept override;

 private:
  std::string admin_group_;
};

}  // namespace notifyd::core
