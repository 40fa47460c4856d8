#include "user_accounts.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace notifyd::exec {
namespace {

constexpr std::size_t max_buffer_bytes = 1 << 22;
constexpr int max_groups = 65536;

std::size_t initial_buffer(int name) {
  const long size = ::sysconf(name);
  return size > 0 ? static_cast<std::size_t>(size) : 16384;
}

// getpwent walks one process-wide cursor.
std::mutex passwd_walk_mutex;

}  // namespace

sdk::Result<UserAccount> lookup_account(const std::string& name) {
  using Failure = sdk::Result<UserAccount>;
  std::vector<char> buffer(initial_buffer(_SC_GETPW_R_SIZE_MAX));
  passwd entry{};
  passwd* found = nullptr;
  for (;;) {
    const int error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < max_buffer_bytes) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (found) break;
    if (error != 0 && error != ENOENT) {
      return Failure::failure("cannot look up user " + name + ": " + std::strerror(error));
    }
    return Failure::failure("user " + name + " does not exist");
  }
  UserAccount account;
  account.name = name;
  account.uid = found->pw_uid;
  account.gid = found->pw_gid;
  account.home = found->pw_dir ? found->pw_dir : "";
  if (account.home.empty() || !account.home.is_absolute()) {
    return Failure::failure("user " + name + " has no absolute home directory");
  }

  int count = 32;
  for (;;) {
    account.groups.assign(static_cast<std::size_t>(count), 0);
    int wanted = count;
    if (::getgrouplist(name.c_str(), account.gid, account.groups.data(), &wanted) >= 0) {
      account.groups.resize(static_cast<std::size_t>(wanted));
      break;
    }
    if (wanted <= count || wanted > max_groups) {
      return Failure::failure("cannot list the groups of user " + name);
    }
    count = wanted;
  }
  return account;
}

sdk::Result<std::vector<std::string>> group_member_names(const std::string& group_name) {
  using Failure = sdk::Result<std::vector<std::string>>;
  std::vector<char> buffer(initial_buffer(_SC_GETGR_R_SIZE_MAX));
  group entry{};
  group* found = nullptr;
  for (;;) {
    const int error = ::getgrnam_r(group_name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < max_buffer_bytes) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (found) break;
    if (error != 0 && error != ENOENT) {
      return Failure::failure("cannot look up group " + group_name + ": " + std::strerror(error));
    }
    return Failure::failure("group " + group_name + " does not exist");
  }
  std::vector<std::string> members;
  for (char** member = found->gr_mem; member && *member; ++member) members.emplace_back(*member);
  const gid_t gid = found->gr_gid;

  std::lock_guard lock(passwd_walk_mutex);
  ::setpwent();
  std::vector<char> passwd_buffer(initial_buffer(_SC_GETPW_R_SIZE_MAX));
  for (;;) {
    passwd user{};
    passwd* next = nullptr;
    const int error = ::getpwent_r(&user, passwd_buffer.data(), passwd_buffer.size(), &next);
    if (error == ERANGE && passwd_buffer.size() < max_buffer_bytes) {
      passwd_buffer.resize(passwd_buffer.size() * 2);
      continue;
    }
    if (error != 0 || next == nullptr) break;
    if (next->pw_gid == gid && next->pw_name) members.emplace_back(next->pw_name);
  }
  ::endpwent();
  return union_of_users({}, members);
}

std::vector<std::string> union_of_users(std::vector<std::string> explicit_users,
                                        const std::vector<std::string>& group_members) {
  explicit_users.insert(explicit_users.end(), group_members.begin(), group_members.end());
  std::sort(explicit_users.begin(), explicit_users.end());
  explicit_users.erase(std::unique(explicit_users.begin(), explicit_users.end()), explicit_users.end());
  return explicit_users;
}

}  // namespace notifyd::exec
