#include "user_directory.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "notifyd/sdk/peer_user.hpp"

namespace notifyd::core {

std::optional<std::string> UserDirectory::name_of(uid_t uid) const { return sdk::user_name_of_uid(uid); }

std::optional<uid_t> UserDirectory::uid_of(std::string_view user) const {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const std::string name(user);
  if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return std::nullopt;
  return found->pw_uid;
}

bool UserDirectory::is_admin(std::string_view user) const noexcept {
  try {
    const std::string name(user);
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return false;
    if (found->pw_uid == 0) return true;
    if (admin_group_.empty()) return false;

    std::vector<char> group_buffer(65536);
    struct group group_entry{};
    struct group* admin = nullptr;
    if (getgrnam_r(admin_group_.c_str(), &group_entry, group_buffer.data(), group_buffer.size(), &admin) != 0 || !admin) {
      return false;
    }
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (getgrouplist(name.c_str(), found->pw_gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<std::size_t>(count));
      if (getgrouplist(name.c_str(), found->pw_gid, groups.data(), &count) < 0) return false;
    }
    groups.resize(static_cast<std::size_t>(count));
    for (gid_t gid : groups) {
      if (gid == admin->gr_gid) return true;
    }
    return false;
  } catch (...) {
    return false;
  }
}

}  // namespace notifyd::core
