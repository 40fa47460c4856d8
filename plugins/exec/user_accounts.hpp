#pragma once
// The Unix accounts whose scripts the plugin runs, from the system's user
// and group databases (passwd, group; NSS included).

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "notifyd/sdk/status.hpp"

namespace notifyd::exec {

/// One user as a script runs: identity, home and every group it belongs to.
struct UserAccount {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;                   ///< primary group
  std::filesystem::path home;
  std::vector<gid_t> groups;       ///< supplementary groups, primary included (getgrouplist)
};

/// The account named `name`; an error when it does not exist or cannot be read.
/// Blocking (NSS); call from a worker thread.
sdk::Result<UserAccount> lookup_account(const std::string& name);

/// The names of the members of `group` (listed members and users whose
/// primary group it is), sorted; an error when the group does not exist.
/// Blocking; call from one worker thread at a time (it walks passwd).
sdk::Result<std::vector<std::string>> group_member_names(const std::string& group);

/// `explicit_users` and `group_members` merged, sorted, without duplicates.
std::vector<std::string> union_of_users(std::vector<std::string> explicit_users,
                                        const std::vector<std::string>& group_members);

}  // namespace notifyd::exec
